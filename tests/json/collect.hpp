// Reading JSON event text in tests: every event's fields as (name, text) pairs, with the
// event's identity and the reader's statistics.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/input_stream.hpp"
#include "json/event_reader.hpp"

namespace vigie::test {

using FieldList = std::vector<std::pair<std::string, std::string>>;

inline FieldList field_list(const core::Event& e) {
    FieldList l;
    for (const auto& f : e.fields()) l.emplace_back(std::string(f.name), f.value.text());
    return l;
}

struct Collected {
    std::vector<FieldList> events;
    std::vector<std::uint64_t> timestamps, record_ids;
    std::vector<json::JsonEventInfo> infos;
    json::JsonStats stats;
    std::optional<core::Error> error;

    /// The text of the first field `name` of event `i`, or "<absent>".
    std::string at(std::size_t i, std::string_view name) const {
        for (const auto& [n, v] : events.at(i)) {
            if (n == name) return v;
        }
        return "<absent>";
    }
    std::size_t count(std::size_t i, std::string_view name) const {
        std::size_t c = 0;
        for (const auto& f : events.at(i)) c += f.first == name;
        return c;
    }
};

inline Collected collect(core::InputStream& in, const json::JsonReadOptions& options = {}) {
    Collected c;
    auto stats = json::read_json_events(in, options,
                                        [&](const core::Event& e, const json::JsonEventInfo& info) {
                                            c.events.push_back(field_list(e));
                                            c.timestamps.push_back(e.timestamp);
                                            c.record_ids.push_back(e.record_id);
                                            c.infos.push_back(info);
                                        });
    if (stats) {
        c.stats = *stats;
    } else {
        c.error = stats.error();
    }
    return c;
}

inline Collected collect(std::string_view text, const json::JsonReadOptions& options = {}) {
    auto in = core::memory_input_stream(text);
    return collect(*in, options);
}

inline Collected collect(std::string_view text, json::JsonFormat format) {
    json::JsonReadOptions options;
    options.format = format;
    return collect(text, options);
}

}  // namespace vigie::test
