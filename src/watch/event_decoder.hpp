// watch/event_decoder.hpp - one received event text -> core::Event, the same fields
// `vigie hunt` gives the same event read from a file.
//
//   watch::EventDecoder decoder;                       // one per thread: it reuses its parsers
//   core::Event event;
//   if (auto r = decoder.decode(text, event); !r) count_rejected(r.error());
//   else match(event);                                 // valid until the next decode()
//
// A text is a JSON object in any shape src/json recognises (evtx-crate, ECS / Winlogbeat,
// flat / NXLog). Nearly-JSON objects are repaired as the file reader repairs them (numbers
// too large, bytes that are not UTF-8, raw control characters): a hostile sender cannot hide
// an event from the rules with one bad byte.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "core/event.hpp"
#include "core/result.hpp"
#include "json/event_shapes.hpp"

namespace vigie::watch {

class EventDecoder {
  public:
    explicit EventDecoder(json::JsonFormat format = json::JsonFormat::kAuto) : format_(format) {}

    /// Fills `event` from `text`. Errors (kParse) say why the text is not an event.
    core::Result<void> decode(std::string_view text, core::Event& event);
    /// Texts read only after a repair, so far.
    std::uint64_t repaired() const noexcept { return repaired_; }

  private:
    json::JsonFormat format_;
    simdjson::dom::parser parser_;
    std::string repaired_text_;
    std::uint64_t repaired_ = 0;
};

}  // namespace vigie::watch
