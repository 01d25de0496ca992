// hunt/writers.hpp - detections out: a readable table, CSV, or JSON Lines.
//
// A writer formats one detection at a time into text and hands it to an output function (the
// binary decides where bytes go: a file, standard output, a pipe that may close). Writers are
// interchangeable sinks, as ripgrep's printers are.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hunt/detection.hpp"
#include "hunt/input_files.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::hunt {

/// Receives formatted bytes; returns false when the reader went away (stop writing).
using Output = std::function<bool(std::string_view)>;

struct WriterContext {
    const sigma::RuleSet* rules = nullptr;
    const std::vector<InputFile>* inputs = nullptr;
    bool colour = false;  ///< table only: ANSI colours by level
};

class DetectionWriter {
  public:
    virtual ~DetectionWriter() = default;
    virtual void write(const Detection& d) = 0;
    /// Flushes what is buffered; returns false if the output refused bytes.
    virtual bool finish() = 0;
};

/// format: "table", "csv" or "jsonl"; nullptr for an unknown name.
std::unique_ptr<DetectionWriter> make_writer(std::string_view format, WriterContext context,
                                             Output output);

/// Appends one detection as the JSON object `--format jsonl` writes (no newline): timestamp,
/// computer, channel, event_id, record_id, level, rule_id, rule_title, rule_source, tags, file,
/// fields. `leading_members` (e.g. `"type":"detection",`) goes first, verbatim.
void append_detection_json(std::string& out, const Detection& d, const sigma::RuleSet& rules,
                           std::string_view file, std::string_view leading_members = {});

/// "2019-07-19 14:42:51.446" (UTC, milliseconds) or "-" for an unknown time.
std::string format_time(core::FileTimeTicks t);

}  // namespace vigie::hunt
