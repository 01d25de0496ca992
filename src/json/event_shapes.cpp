#include "json/event_shapes.hpp"

#include <string>

#include "core/time.hpp"

namespace vigie::json {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

core::Value value_of(element v) {
    switch (v.type()) {
        case element_type::STRING:
            return core::Value::utf8(std::string_view(v));
        case element_type::INT64:
            return core::Value::int64(int64_t(v));
        case element_type::UINT64:
            return core::Value::uint64(uint64_t(v));
        case element_type::DOUBLE:
            return core::Value::real64(double(v));
        case element_type::BOOL:
            return core::Value::boolean(bool(v));
        default:
            return core::Value::null();
    }
}

bool is_scalar(element v) {
    return v.type() != element_type::OBJECT && v.type() != element_type::ARRAY;
}

std::string_view joined(core::Event& e, std::string_view a, char sep, std::string_view b) {
    std::string s;
    s.reserve(a.size() + 1 + b.size());
    s.append(a);
    s.push_back(sep);
    s.append(b);
    return e.store(s);
}

void set_time(core::Event& e, element v) {
    if (v.type() != element_type::STRING) return;
    if (auto t = core::parse_iso8601(std::string_view(v))) e.timestamp = *t;
}

void set_record(core::Event& e, element v) {
    if (v.type() == element_type::INT64 || v.type() == element_type::UINT64) {
        e.record_id = uint64_t(v);
    } else if (v.type() == element_type::STRING) {
        if (auto n = core::Value::utf8(std::string_view(v)).to_int(); n && *n >= 0)
            e.record_id = static_cast<std::uint64_t>(*n);
    }
}

// ---- evtx-crate shape -------------------------------------------------------------------

// Text of an element rendered by the crate: a scalar, or an object's "#text".
std::optional<element> element_text(element v) {
    if (is_scalar(v)) {
        if (v.type() == element_type::NULL_VALUE) return std::nullopt;
        return v;
    }
    if (v.type() == element_type::OBJECT) {
        element text;
        if (object(v)["#text"].get(text) == simdjson::SUCCESS) return text;
    }
    return std::nullopt;
}

void crate_system(object system, core::Event& e) {
    for (auto [key, v] : system) {
        if (auto text = element_text(v)) {
            e.add_field(key, value_of(*text));
            if (key == "EventRecordID") set_record(e, *text);
        }
        if (v.type() != element_type::OBJECT) continue;
        object attrs;
        if (object(v)["#attributes"].get(attrs) != simdjson::SUCCESS) continue;
        for (auto [name, a] : attrs) {
            if (a.type() == element_type::NULL_VALUE || !is_scalar(a)) continue;
            e.add_field(joined(e, key, '_', name), value_of(a));
            if (key == "TimeCreated" && name == "SystemTime") set_time(e, a);
        }
    }
}

std::string_view data_position(core::Event& e, std::size_t position) {
    return e.store("Data[" + std::to_string(position + 1) + "]");
}

void add_unnamed_data(element v, core::Event& e, std::size_t& position, int depth = 0) {
    if (depth > 4) return;
    if (v.type() == element_type::ARRAY) {
        for (element item : simdjson::dom::array(v)) add_unnamed_data(item, e, position, depth + 1);
        return;
    }
    if (v.type() == element_type::OBJECT) {
        element text;
        if (object(v)["#text"].get(text) == simdjson::SUCCESS) {
            add_unnamed_data(text, e, position, depth + 1);
            return;
        }
    }
    const core::Value value = is_scalar(v) ? value_of(v) : core::Value::null();
    e.add_field("Data", value);
    e.add_field(data_position(e, position++), value);
}

void crate_event_data(element section, core::Event& e) {
    if (section.type() != element_type::OBJECT) return;
    std::size_t position = 0;
    for (auto [key, v] : object(section)) {
        if (key == "#attributes") continue;
        if (key == "Data") {
            add_unnamed_data(v, e, position);
            continue;
        }
        if (key == "#text") {  // <EventData>text</EventData>: unnamed content
            add_unnamed_data(v, e, position);
            continue;
        }
        const auto text = element_text(v);
        e.add_field(key, text ? value_of(*text) : core::Value::null());
    }
}

// UserData and other sections: leaves by name, and by dotted path below the section.
void crate_leaves(std::string_view name, element v, std::string& path, int depth, core::Event& e) {
    if (depth > 64) return;
    const std::size_t path_size = path.size();
    if (!path.empty()) path.push_back('.');
    path.append(name);
    if (v.type() == element_type::OBJECT) {
        bool has_child = false;
        for (auto [key, child] : object(v)) {
            if (key == "#attributes" || key == "#text") continue;
            has_child = true;
            crate_leaves(key, child, path, depth + 1, e);
        }
        if (!has_child) {
            if (auto text = element_text(v)) {
                e.add_field(name, value_of(*text));
                if (depth > 0) e.add_field(e.store(path), value_of(*text));
            }
        }
    } else if (v.type() == element_type::ARRAY) {
        for (element item : simdjson::dom::array(v)) {
            path.resize(path_size);
            crate_leaves(name, item, path, depth, e);
        }
    } else if (v.type() != element_type::NULL_VALUE) {
        e.add_field(name, value_of(v));
        if (depth > 0) e.add_field(e.store(path), value_of(v));
    }
    path.resize(path_size);
}

void build_crate(object root, core::Event& e) {
    object event = root;
    element wrapped;
    if (root["Event"].get(wrapped) == simdjson::SUCCESS && wrapped.type() == element_type::OBJECT) {
        event = object(wrapped);
    }
    for (auto [key, section] : event) {
        if (key == "#attributes") continue;
        if (key == "System" && section.type() == element_type::OBJECT) {
            crate_system(object(section), e);
        } else if (key == "EventData") {
            crate_event_data(section, e);
        } else {
            std::string path;
            crate_leaves(key, section, path, 0, e);
        }
    }
}

// ---- flattening (ECS and flat exports) -----------------------------------------------------

void flatten(std::string_view prefix, element v, core::Event& e, int depth) {
    if (depth > 32) return;
    if (v.type() == element_type::OBJECT) {
        for (auto [key, child] : object(v)) {
            flatten(prefix.empty() ? key : joined(e, prefix, '.', key), child, e, depth + 1);
        }
        return;
    }
    if (v.type() == element_type::ARRAY) {
        // Arrays of scalars: each item under the same name (any item may match).
        for (element item : simdjson::dom::array(v)) {
            if (is_scalar(item)) e.add_field(prefix, value_of(item));
        }
        return;
    }
    e.add_field(prefix, value_of(v));
}

bool has_field(const core::Event& e, std::string_view name) {
    return e.field(name) != nullptr;
}

void build_ecs(object root, core::Event& e) {
    element winlog;
    if (root["winlog"].get(winlog) == simdjson::SUCCESS && winlog.type() == element_type::OBJECT) {
        struct Alias {
            const char* ecs;
            const char* windows;
        };
        static constexpr Alias kAliases[] = {
            {"channel", "Channel"},
            {"event_id", "EventID"},
            {"provider_name", "Provider_Name"},
            {"provider_guid", "Provider_Guid"},
            {"computer_name", "Computer"},
            {"record_id", "EventRecordID"},
            {"task", "Task"},
            {"opcode", "Opcode"},
            {"version", "Version"},
            {"keywords", "Keywords"},
        };
        object w(winlog);
        for (const Alias& a : kAliases) {
            element v;
            if (w[a.ecs].get(v) == simdjson::SUCCESS && is_scalar(v)) {
                e.add_field(a.windows, value_of(v));
                if (std::string_view(a.ecs) == "record_id") set_record(e, v);
            }
        }
        element v;
        if (w.at_pointer("/process/pid").get(v) == simdjson::SUCCESS) {
            e.add_field("Execution_ProcessID", value_of(v));
        }
        if (w.at_pointer("/process/thread/id").get(v) == simdjson::SUCCESS) {
            e.add_field("Execution_ThreadID", value_of(v));
        }
        if (w.at_pointer("/user/identifier").get(v) == simdjson::SUCCESS) {
            e.add_field("Security_UserID", value_of(v));
        }
        element data;
        if (w["event_data"].get(data) == simdjson::SUCCESS && data.type() == element_type::OBJECT) {
            for (auto [key, item] : object(data)) flatten(key, item, e, 0);
        }
        if (w["user_data"].get(data) == simdjson::SUCCESS && data.type() == element_type::OBJECT) {
            std::string path;
            crate_leaves("UserData", data, path, 0, e);
        }
    }
    element v;
    if (!has_field(e, "Computer") && root.at_pointer("/host/name").get(v) == simdjson::SUCCESS) {
        e.add_field("Computer", value_of(v));
    }
    if (!has_field(e, "EventID") && root.at_pointer("/event/code").get(v) == simdjson::SUCCESS) {
        e.add_field("EventID", value_of(v));
    }
    if (root["@timestamp"].get(v) == simdjson::SUCCESS) {
        set_time(e, v);
        e.add_field("TimeCreated_SystemTime", value_of(v));
    }
    // Every key by its ECS path too, for rules written against ECS names.
    for (auto [key, child] : root) flatten(key, child, e, 1);
}

void build_flat(object root, core::Event& e) {
    for (auto [key, child] : root) flatten(key, child, e, 1);
    struct Alias {
        const char* from;
        const char* to;
    };
    static constexpr Alias kAliases[] = {
        {"Hostname", "Computer"},
        {"hostname", "Computer"},
        {"SourceName", "Provider_Name"},
        {"ProviderName", "Provider_Name"},
        {"Provider", "Provider_Name"},
        {"RecordNumber", "EventRecordID"},
        {"EventRecordId", "EventRecordID"},
        {"Id", "EventID"},
        {"EventId", "EventID"},
    };
    for (const Alias& a : kAliases) {
        const core::Value* from = e.field(a.from);
        if (from != nullptr && !has_field(e, a.to)) e.add_field(a.to, *from);
    }
    if (const core::Value* r = e.field("EventRecordID")) {
        if (auto n = r->to_int(); n && *n >= 0) e.record_id = static_cast<std::uint64_t>(*n);
    }
    for (const char* name : {"TimeCreated_SystemTime", "EventTime", "TimeCreated", "@timestamp",
                             "timestamp", "UtcTime", "Timestamp"}) {
        const core::Value* t = e.field(name);
        if (t == nullptr) continue;
        if (auto ticks = core::parse_iso8601(t->text())) {
            e.timestamp = *ticks;
            if (!has_field(e, "TimeCreated_SystemTime")) e.add_field("TimeCreated_SystemTime", *t);
            break;
        }
    }
}

}  // namespace

std::optional<JsonFormat> parse_json_format(std::string_view name) noexcept {
    if (name == "auto") return JsonFormat::kAuto;
    if (name == "evtx-json" || name == "evtx") return JsonFormat::kEvtxCrate;
    if (name == "ecs" || name == "winlogbeat") return JsonFormat::kEcs;
    if (name == "flat") return JsonFormat::kFlat;
    return std::nullopt;
}

const char* json_format_name(JsonFormat format) noexcept {
    switch (format) {
        case JsonFormat::kAuto:
            return "auto";
        case JsonFormat::kEvtxCrate:
            return "evtx-json";
        case JsonFormat::kEcs:
            return "ecs";
        case JsonFormat::kFlat:
            return "flat";
    }
    return "?";
}

JsonFormat detect_shape(object o) {
    element v;
    if (o["Event"].get(v) == simdjson::SUCCESS && v.type() == element_type::OBJECT) {
        element system;
        if (object(v)["System"].get(system) == simdjson::SUCCESS) return JsonFormat::kEvtxCrate;
    }
    if (o["System"].get(v) == simdjson::SUCCESS && v.type() == element_type::OBJECT) {
        return JsonFormat::kEvtxCrate;
    }
    if (o["winlog"].get(v) == simdjson::SUCCESS && v.type() == element_type::OBJECT) {
        return JsonFormat::kEcs;
    }
    return JsonFormat::kFlat;
}

void build_event(object o, JsonFormat shape, core::Event& e) {
    e.clear();
    switch (shape) {
        case JsonFormat::kAuto:
            build_event(o, detect_shape(o), e);
            return;
        case JsonFormat::kEvtxCrate:
            build_crate(o, e);
            return;
        case JsonFormat::kEcs:
            build_ecs(o, e);
            return;
        case JsonFormat::kFlat:
            build_flat(o, e);
            return;
    }
}

}  // namespace vigie::json
