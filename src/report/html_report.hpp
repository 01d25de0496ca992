// report/html_report.hpp - the hunt's results as one self-contained HTML page.
//
//   report::ReportInput in;
//   in.rules = &rules; in.picture = &picture; in.detections = &detections; ...
//   core::Result<std::string> page = report::render_html_report(in);
//
// The page answers, in this order, what an IT lead, a director and a CERT ask on the day of an
// intrusion: which hosts to isolate and which accounts to disable now ("Act now"), how far the
// attacker got on each host (the seven stages of the ransomware path as a ladder), where they
// went (the lateral-movement graph, laid out by Graphviz), when (a timeline, one lane per host)
// and the detections themselves (a sortable, filterable, paged table, which is also the
// accessible form of every chart). The footer says what was read, with which rules, and the
// time zones.
//
// One file, nothing fetched: CSS, JavaScript and SVG are inline, under a Content-Security-Policy
// that allows only the style and script elements the page itself carries (a nonce) and no
// request at all. Both languages are in the page; `language` picks the one shown first and a
// button (or `?lang=fr`) switches. Every string from the logs goes through text_escape.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "hunt/detection.hpp"
#include "hunt/host_picture.hpp"
#include "hunt/host_report.hpp"
#include "hunt/hunter.hpp"
#include "hunt/input_files.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::report {

struct ReportInput {
    const sigma::RuleSet* rules = nullptr;
    const hunt::HostPicture* picture = nullptr;
    /// The detections shown (at the requested level), in time order.
    const std::vector<hunt::Detection>* detections = nullptr;
    const hunt::HuntStats* stats = nullptr;                ///< optional
    const std::vector<hunt::InputFile>* inputs = nullptr;  ///< optional
    std::vector<std::string> rule_sources;                 ///< what the rules were read from
    std::uint64_t input_bytes = 0;
    std::string tool_version;  ///< "vigie 0.1.0"
    core::FileTimeTicks generated_at = 0;
    /// The hunt's time window as given (--from / --to), 0 when open.
    core::FileTimeTicks from = 0, to = 0;
    hunt::Language language = hunt::Language::kEnglish;
};

/// The page. Fails only when the input is incomplete; a graph that cannot be laid out is
/// replaced by its table.
core::Result<std::string> render_html_report(const ReportInput& input);

}  // namespace vigie::report
