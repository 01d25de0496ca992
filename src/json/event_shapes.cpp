#include "json/event_shapes.hpp"

#include <charconv>
#include <optional>
#include <string>

#include "core/time.hpp"

// simdjson's conversion operators throw on a type mismatch; library code does not throw, so
// every read below goes through get(), which returns an error code instead.
namespace vigie::json {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr int kMaxDepth = 64;  // nesting followed when naming leaves; deeper is not an event

// The XML parser some shapes need (UserData strings, openwec-raw): the caller's, or one made
// on first use.
class XmlParserSource {
  public:
    explicit XmlParserSource(WindowsXmlParser* given) : given_(given) {}
    WindowsXmlParser& get() {
        if (given_ != nullptr) return *given_;
        if (!own_) own_.emplace();
        return *own_;
    }

  private:
    WindowsXmlParser* given_;
    std::optional<WindowsXmlParser> own_;
};

// A UserData string (OpenWEC's formats carry the element's content as raw XML): its leaves,
// named as the EVTX reader names them. Text that is not XML stays a plain UserData field.
void add_user_data_string(std::string_view text, core::Event& e, XmlParserSource& xml) {
    if (text.empty() || text.front() != '<' || !xml.get().add_user_data(text, e)) {
        e.add_field("UserData", core::Value::utf8(text));
    }
}

bool is_scalar(element v) noexcept {
    return v.type() != element_type::OBJECT && v.type() != element_type::ARRAY;
}

bool get_object(element v, object& out) noexcept {
    return v.get(out) == simdjson::SUCCESS;
}

bool member(object o, std::string_view key, element& out) noexcept {
    return o[key].get(out) == simdjson::SUCCESS;
}

core::Value value_of(element v) {
    switch (v.type()) {
        case element_type::STRING: {
            std::string_view s;
            if (v.get(s) == simdjson::SUCCESS) return core::Value::utf8(s);
            break;
        }
        case element_type::INT64: {
            std::int64_t i = 0;
            if (v.get(i) == simdjson::SUCCESS) return core::Value::int64(i);
            break;
        }
        case element_type::UINT64: {
            std::uint64_t u = 0;
            if (v.get(u) == simdjson::SUCCESS) return core::Value::uint64(u);
            break;
        }
        case element_type::DOUBLE: {
            double d = 0;
            if (v.get(d) == simdjson::SUCCESS) return core::Value::real64(d);
            break;
        }
        case element_type::BOOL: {
            bool b = false;
            if (v.get(b) == simdjson::SUCCESS) return core::Value::boolean(b);
            break;
        }
        default:
            break;
    }
    return core::Value::null();
}

std::string_view joined(core::Event& e, std::string_view a, char sep, std::string_view b) {
    std::string s;
    s.reserve(a.size() + 1 + b.size());
    s.append(a);
    s.push_back(sep);
    s.append(b);
    return e.store(s);
}

// `evtx_dump --separate-json-attributes` puts an element's attributes in "<element>_attributes".
constexpr std::string_view kAttributesSuffix = "_attributes";

bool ends_with_attributes(std::string_view key) noexcept {
    return key.size() > kAttributesSuffix.size() &&
           key.substr(key.size() - kAttributesSuffix.size()) == kAttributesSuffix;
}

// ISO 8601, or "/Date(1573848062000)/" (milliseconds since 1970, what .NET serializers such
// as Windows PowerShell's ConvertTo-Json write; a zone suffix only says how it was displayed).
std::optional<core::FileTimeTicks> parse_time(std::string_view s) {
    if (auto t = core::parse_iso8601(s)) return t;
    constexpr std::string_view kPrefix = "/Date(";
    if (s.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    s.remove_prefix(kPrefix.size());
    std::int64_t ms = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (r.ec != std::errc() || r.ptr == s.data() + s.size()) return std::nullopt;
    if (*r.ptr != ')' && *r.ptr != '+' && *r.ptr != '-') return std::nullopt;
    constexpr std::int64_t kEpochMs = core::kFileTimeUnixEpochSeconds * 1000;
    constexpr std::int64_t kYear10000Ms = 253'402'300'800'000;  // keeps the ticks in range
    if (ms < -kEpochMs || ms >= kYear10000Ms) return std::nullopt;
    return static_cast<core::FileTimeTicks>(ms + kEpochMs) * 10'000;
}

void set_time(core::Event& e, const core::Value& v) {
    if (!v.is_text()) return;
    if (auto t = parse_time(v.text())) e.timestamp = *t;
}

void set_record(core::Event& e, const core::Value& v) {
    // to_int() wraps unsigned values past 2^63 into negatives; casting back restores them.
    const auto n = v.to_int();
    if (n && (*n >= 0 || v.kind() == core::ValueKind::kUInt)) {
        e.record_id = static_cast<std::uint64_t>(*n);
    }
}

// ---- evtx-crate shape -------------------------------------------------------------------------

// The text the crate printed for an element: a scalar, an object's "#text", or an array
// (an array-typed value, which the EVTX reader prints with items joined by ','). nullopt when
// the element has no text (null, or only attributes and children).
std::optional<core::Value> text_value(core::Event& e, element v, int depth = 0) {
    switch (v.type()) {
        case element_type::NULL_VALUE:
            return std::nullopt;
        case element_type::OBJECT: {
            element text;
            object o;
            if (depth > 1 || !get_object(v, o) || !member(o, "#text", text)) return std::nullopt;
            return text_value(e, text, depth + 1);
        }
        case element_type::ARRAY: {
            array items;
            if (v.get(items) != simdjson::SUCCESS) return std::nullopt;
            std::string s;
            bool first = true;
            for (element item : items) {
                if (!first) s.push_back(',');
                first = false;
                if (is_scalar(item)) value_of(item).append_text(s);
            }
            return core::Value::utf8(e.store(s));
        }
        default:
            return value_of(v);
    }
}

void add_attributes(core::Event& e, std::string_view element_name, object attrs) {
    for (auto [name, a] : attrs) {
        if (a.type() == element_type::NULL_VALUE || !is_scalar(a)) continue;
        const core::Value value = value_of(a);
        e.add_field(joined(e, element_name, '_', name), value);
        if (element_name == "TimeCreated" && name == "SystemTime") set_time(e, value);
    }
}

void crate_system(object system, core::Event& e) {
    for (auto [key, v] : system) {
        object o;
        if (ends_with_attributes(key)) {
            if (get_object(v, o)) {
                add_attributes(e, key.substr(0, key.size() - kAttributesSuffix.size()), o);
            }
            continue;
        }
        // With separate attributes, an element without text prints as {} (older crates) or
        // not at all: no text, no field, as in the EVTX reader.
        if (auto text = text_value(e, v)) {
            e.add_field(key, *text);
            if (key == "EventRecordID") set_record(e, *text);
        }
        element attrs;
        if (get_object(v, o) && member(o, "#attributes", attrs) && get_object(attrs, o)) {
            add_attributes(e, key, o);
        }
    }
}

std::string_view data_position(core::Event& e, std::size_t position) {
    return e.store("Data[" + std::to_string(position + 1) + "]");
}

// Unnamed <Data> elements: the crate gathers them in "Data":{"#text":[..]} (one: a scalar).
// A single <Data> holding a string array prints the same way, so it reads as several Data
// (the EVTX reader gives one Data with the items joined by ',').
void add_unnamed_data(element v, core::Event& e, std::size_t& position, int depth = 0) {
    if (depth > 4) return;
    object o;
    element text;
    if (v.type() == element_type::ARRAY) {
        array items;
        if (v.get(items) != simdjson::SUCCESS) return;
        for (element item : items) add_unnamed_data(item, e, position, depth + 1);
        return;
    }
    if (get_object(v, o) && member(o, "#text", text)) {
        add_unnamed_data(text, e, position, depth + 1);
        return;
    }
    // Without text (null, or attributes only), the EVTX reader still names it, with no value.
    const core::Value value = is_scalar(v) ? value_of(v) : core::Value::null();
    e.add_field("Data", value);
    e.add_field(data_position(e, position++), value);
}

void crate_event_data(element section, core::Event& e) {
    object data;
    if (!get_object(section, data)) return;  // text directly in EventData: not a field
    std::size_t position = 0;
    for (auto [key, v] : data) {
        // Attributes of EventData, and text directly inside it, are not fields (EVTX reader).
        if (key == "#attributes" || key == "#text" || ends_with_attributes(key)) continue;
        if (key == "Data") {
            add_unnamed_data(v, e, position);
            continue;
        }
        e.add_field(key, text_value(e, v).value_or(core::Value::null()));
    }
}

// UserData and other sections: leaves by name, and by dotted path from the section, as
// core/windows_fields.cpp index_leaves() does.
void crate_leaves(std::string_view name, element v, std::string& path, int depth, core::Event& e) {
    if (depth > kMaxDepth) return;
    const std::size_t path_size = path.size();
    if (!path.empty()) path.push_back('.');
    path.append(name);
    bool has_child = false;
    object o;
    if (get_object(v, o)) {
        for (auto [key, child] : o) {
            if (key == "#attributes" || key == "#text" || ends_with_attributes(key)) continue;
            has_child = true;
            crate_leaves(key, child, path, depth + 1, e);
        }
    }
    if (!has_child) {
        if (auto text = text_value(e, v)) {
            e.add_field(name, *text);
            if (depth > 0) e.add_field(e.store(path), *text);
        }
    }
    path.resize(path_size);
}

void build_crate(object root, core::Event& e) {
    object event = root;
    element wrapped;
    object inner;
    if (member(root, "Event", wrapped) && get_object(wrapped, inner)) event = inner;
    for (auto [key, section] : event) {
        if (key == "#attributes" || ends_with_attributes(key)) continue;
        object system;
        if (key == "System" && get_object(section, system)) {
            crate_system(system, e);
        } else if (key == "EventData") {
            crate_event_data(section, e);
        } else {
            std::string path;
            crate_leaves(key, section, path, 0, e);
        }
    }
}

// ---- flattening (ECS and flat exports) ---------------------------------------------------------

void flatten(std::string_view prefix, element v, core::Event& e, int depth) {
    if (depth > kMaxDepth) return;
    object o;
    if (get_object(v, o)) {
        for (auto [key, child] : o) {
            flatten(prefix.empty() ? key : joined(e, prefix, '.', key), child, e, depth + 1);
        }
        return;
    }
    if (v.type() == element_type::ARRAY) {
        // Each item under the same name: a rule matches if any item does.
        array items;
        if (v.get(items) != simdjson::SUCCESS) return;
        for (element item : items) flatten(prefix, item, e, depth + 1);
        return;
    }
    e.add_field(prefix, value_of(v));
}

bool has_field(const core::Event& e, std::string_view name) {
    return e.field(name) != nullptr;
}

struct Alias {
    std::string_view from;
    std::string_view to;
};

// Adds `to` from the first field `from` when the event has no `to` yet.
void add_aliases(core::Event& e, std::span<const Alias> aliases) {
    for (const Alias& a : aliases) {
        if (has_field(e, a.to)) continue;
        if (const core::Value* v = e.field(a.from)) e.add_field(a.to, *v);
    }
}

// Winlogbeat's Sysmon module renames event data to ECS fields; rules use the Sysmon names.
constexpr Alias kSysmonFromEcs[] = {
    {"process.entity_id", "ProcessGuid"},
    {"process.pid", "ProcessId"},
    {"process.executable", "Image"},
    {"process.command_line", "CommandLine"},
    {"process.working_directory", "CurrentDirectory"},
    {"process.parent.entity_id", "ParentProcessGuid"},
    {"process.parent.pid", "ParentProcessId"},
    {"process.parent.executable", "ParentImage"},
    {"process.parent.command_line", "ParentCommandLine"},
    {"process.pe.original_file_name", "OriginalFileName"},
    {"process.pe.file_version", "FileVersion"},
    {"process.pe.description", "Description"},
    {"process.pe.product", "Product"},
    {"process.pe.company", "Company"},
    {"source.ip", "SourceIp"},
    {"source.port", "SourcePort"},
    {"source.domain", "SourceHostname"},
    {"destination.ip", "DestinationIp"},
    {"destination.port", "DestinationPort"},
    {"destination.domain", "DestinationHostname"},
    {"network.transport", "Protocol"},
    {"dns.question.name", "QueryName"},
    {"registry.path", "TargetObject"},
    {"rule.name", "RuleName"},
};

void sysmon_from_ecs(core::Event& e) {
    add_aliases(e, kSysmonFromEcs);
    // file.path is TargetFilename, except for image and driver loads (7, 6).
    const core::Value* id = e.field("EventID");
    const auto event_id = id != nullptr ? id->to_int().value_or(0) : 0;
    const std::string_view file = event_id == 6 || event_id == 7 ? "ImageLoaded" : "TargetFilename";
    if (!has_field(e, file)) {
        if (const core::Value* v = e.field("file.path")) e.add_field(file, *v);
    }
    // User "DOMAIN\name" was split into user.domain and user.name.
    const core::Value* domain = e.field("user.domain");
    const core::Value* name = e.field("user.name");
    if (!has_field(e, "User") && domain != nullptr && name != nullptr) {
        e.add_field("User", core::Value::utf8(e.store(domain->text() + "\\" + name->text())));
    }
}

void build_ecs(object root, core::Event& e) {
    element winlog_element;
    object winlog;
    const bool has_winlog =
        member(root, "winlog", winlog_element) && get_object(winlog_element, winlog);
    if (has_winlog) {
        // Names the EVTX reader gives the same data. winlog.task and winlog.opcode are not
        // mapped: Winlogbeat puts their display names there, the EVTX fields hold numbers.
        static constexpr Alias kWindows[] = {
            {"/channel", "Channel"},
            {"/event_id", "EventID"},
            {"/provider_name", "Provider_Name"},
            {"/provider_guid", "Provider_Guid"},
            {"/computer_name", "Computer"},
            {"/record_id", "EventRecordID"},
            {"/version", "Version"},
            {"/process/pid", "Execution_ProcessID"},
            {"/process/thread/id", "Execution_ThreadID"},
            {"/user/identifier", "Security_UserID"},
            {"/activity_id", "Correlation_ActivityID"},
            {"/related_activity_id", "Correlation_RelatedActivityID"},
        };
        for (const Alias& a : kWindows) {
            element v;
            if (winlog.at_pointer(a.from).get(v) != simdjson::SUCCESS || !is_scalar(v)) continue;
            const core::Value value = value_of(v);
            e.add_field(a.to, value);
            if (a.to == "EventRecordID") set_record(e, value);
        }
        element data;
        object o;
        if (member(winlog, "event_data", data) && get_object(data, o)) {
            for (auto [key, item] : o) flatten(key, item, e, 1);
        }
        if (member(winlog, "user_data", data) && get_object(data, o)) {
            std::string path;
            crate_leaves("UserData", data, path, 0, e);
        }
    }
    element v;
    if (!has_field(e, "Computer") && root.at_pointer("/host/name").get(v) == simdjson::SUCCESS &&
        is_scalar(v)) {
        e.add_field("Computer", value_of(v));
    }
    if (!has_field(e, "EventID") && root.at_pointer("/event/code").get(v) == simdjson::SUCCESS &&
        is_scalar(v)) {
        e.add_field("EventID", value_of(v));
    }
    if (member(root, "@timestamp", v) && is_scalar(v)) {
        const core::Value t = value_of(v);
        set_time(e, t);
        e.add_field("TimeCreated_SystemTime", t);
    }
    // Every key by its ECS path too, for rules written against ECS names.
    for (auto [key, child] : root) flatten(key, child, e, 1);
    const core::Value* provider = e.field("Provider_Name");
    if (provider != nullptr && provider->text() == "Microsoft-Windows-Sysmon") sysmon_from_ecs(e);
}

// Unnamed event data as an array (OpenWEC's Nxlog format): Data for each, and Data[n], in the
// EVTX reader's order.
void add_data_array(array items, core::Event& e) {
    std::size_t position = 0;
    for (element item : items) {
        const core::Value value = is_scalar(item) ? value_of(item) : core::Value::null();
        e.add_field("Data", value);
        e.add_field(data_position(e, position++), value);
    }
}

void build_flat(object root, core::Event& e, XmlParserSource& xml) {
    for (auto [key, child] : root) {
        array items;
        std::string_view text;
        if (key == "Keywords" &&
            (child.type() == element_type::INT64 || child.type() == element_type::UINT64)) {
            // NXLog prints the keyword mask as a signed 64-bit decimal; the EVTX reader as hex.
            std::int64_t i = 0;
            std::uint64_t u = 0;
            if (child.get(u) != simdjson::SUCCESS && child.get(i) == simdjson::SUCCESS) {
                u = static_cast<std::uint64_t>(i);
            }
            e.add_field("Keywords", core::Value::hex64(u));
        } else if (key == "Data" && child.get(items) == simdjson::SUCCESS) {
            add_data_array(items, e);
        } else if (key == "UserData" && child.get(text) == simdjson::SUCCESS) {
            add_user_data_string(text, e, xml);
        } else {
            flatten(key, child, e, 1);
        }
    }
    // Event data nested under a key of its own (Velociraptor, some SIEM exports): also by the
    // names rules use. Windows names at the top win.
    for (std::string_view section : {"EventData", "UserData", "event_data", "user_data"}) {
        element v;
        object o;
        if (!member(root, section, v) || !get_object(v, o)) continue;
        for (auto [key, child] : o) {
            if (!is_scalar(child) || has_field(e, key)) continue;
            e.add_field(key, value_of(child));
        }
    }
    static constexpr Alias kAliases[] = {
        {"Hostname", "Computer"},  // NXLog
        {"hostname", "Computer"},
        {"MachineName", "Computer"},  // PowerShell Get-WinEvent
        {"ComputerName", "Computer"},
        {"SourceName", "Provider_Name"},  // NXLog
        {"ProviderName", "Provider_Name"},
        {"Provider", "Provider_Name"},
        {"ProviderGuid", "Provider_Guid"},
        {"LogName", "Channel"},
        {"RecordNumber", "EventRecordID"},  // NXLog
        {"RecordId", "EventRecordID"},
        {"RecordID", "EventRecordID"},
        {"EventRecordId", "EventRecordID"},
        {"Id", "EventID"},
        {"EventId", "EventID"},
        {"EID", "EventID"},                             // Velociraptor
        {"ExecutionProcessID", "Execution_ProcessID"},  // NXLog
        {"ExecutionThreadID", "Execution_ThreadID"},
        {"UserID", "Security_UserID"},  // NXLog: the user's SID
        {"ActivityID", "Correlation_ActivityID"},
        {"RelatedActivityID", "Correlation_RelatedActivityID"},
        {"OpcodeValue", "Opcode"},  // NXLog's Opcode is the rendered name when there is one
    };
    add_aliases(e, kAliases);
    if (const core::Value* r = e.field("EventRecordID")) set_record(e, *r);
    for (std::string_view name : {"TimeCreated_SystemTime", "EventTime", "TimeCreated",
                                  "@timestamp", "timestamp", "Timestamp", "UtcTime"}) {
        const core::Value* t = e.field(name);
        if (t == nullptr || !t->is_text()) continue;
        if (auto ticks = parse_time(t->text())) {
            e.timestamp = *ticks;
            if (!has_field(e, "TimeCreated_SystemTime")) e.add_field("TimeCreated_SystemTime", *t);
            break;
        }
    }
}

// ---- OpenWEC ------------------------------------------------------------------------------------

// System: scalars by name, objects (Provider, Correlation, Execution) as Element_Attribute.
void openwec_system(object system, core::Event& e) {
    for (auto [key, v] : system) {
        object o;
        if (get_object(v, o)) {
            for (auto [name, a] : o) {
                if (a.type() != element_type::NULL_VALUE && is_scalar(a)) {
                    e.add_field(joined(e, key, '_', name), value_of(a));
                }
            }
            continue;
        }
        if (v.type() == element_type::NULL_VALUE || !is_scalar(v)) continue;
        const core::Value value = value_of(v);
        if (key == "TimeCreated") {
            e.add_field("TimeCreated_SystemTime", value);
            set_time(e, value);
        } else if (key == "UserID") {
            e.add_field("Security_UserID", value);  // <Security UserID=".."/>
        } else if (key == "EventIDQualifiers") {
            e.add_field("EventID_Qualifiers", value);  // <EventID Qualifiers="..">
        } else {
            e.add_field(key, value);
            if (key == "EventRecordID") set_record(e, value);
        }
    }
}

void openwec_event_data(object data, core::Event& e) {
    for (auto [key, v] : data) {
        array items;
        if (key == "Data" && v.get(items) == simdjson::SUCCESS) {
            add_data_array(items, e);
        } else {
            e.add_field(key, text_value(e, v).value_or(core::Value::null()));
        }
    }
}

// RenderingInfo as the EVTX reader names its leaves: by name and by path; Keywords holds one
// <Keyword> per item; Culture is an attribute there, not a field.
void openwec_rendering_info(object info, core::Event& e) {
    for (auto [key, v] : info) {
        if (key == "Culture") continue;
        array items;
        if (key == "Keywords" && v.get(items) == simdjson::SUCCESS) {
            for (element item : items) {
                if (!is_scalar(item)) continue;
                e.add_field("Keyword", value_of(item));
                e.add_field("RenderingInfo.Keywords.Keyword", value_of(item));
            }
            continue;
        }
        if (v.type() == element_type::NULL_VALUE || !is_scalar(v)) continue;
        e.add_field(key, value_of(v));
        e.add_field(joined(e, "RenderingInfo", '.', key), value_of(v));
    }
}

void build_openwec(object root, core::Event& e, XmlParserSource& xml) {
    for (auto [key, section] : root) {
        object o;
        std::string_view text;
        if (key == "System" && get_object(section, o)) {
            openwec_system(o, e);
        } else if (key == "EventData" && get_object(section, o)) {
            openwec_event_data(o, e);
        } else if (key == "UserData" && section.get(text) == simdjson::SUCCESS) {
            add_user_data_string(text, e, xml);
        } else if (key == "RenderingInfo" && get_object(section, o)) {
            openwec_rendering_info(o, e);
        } else if (key == "OpenWEC") {
            flatten(key, section, e, 1);  // by dotted path only: IpAddress is also event data
        } else {
            std::string path;  // DebugData, ProcessingErrorData, BinaryEventData, ...
            crate_leaves(key, section, path, 0, e);
        }
    }
}

core::Result<void> build_openwec_raw(object root, core::Event& e, XmlParserSource& xml) {
    std::string_view data;
    element v;
    if (!member(root, "data", v) || v.get(data) != simdjson::SUCCESS) {
        return core::fail(core::ErrorCode::kParse, "OpenWEC JsonRaw object without a data string");
    }
    if (auto ok = xml.get().parse_event(data, e); !ok) return ok.error();
    if (member(root, "meta", v)) flatten("OpenWEC", v, e, 1);
    return {};
}

bool is_openwec_system(object root, object system) {
    element v;
    if (member(root, "OpenWEC", v) && v.type() == element_type::OBJECT) return true;
    if (member(system, "TimeCreated", v) && v.type() == element_type::STRING) return true;
    object provider;
    return member(system, "Provider", v) && get_object(v, provider) && member(provider, "Name", v);
}

}  // namespace

std::optional<JsonFormat> parse_json_format(std::string_view name) noexcept {
    if (name == "auto") return JsonFormat::kAuto;
    if (name == "evtx-json" || name == "evtx") return JsonFormat::kEvtxCrate;
    if (name == "ecs" || name == "winlogbeat") return JsonFormat::kEcs;
    if (name == "flat" || name == "nxlog") return JsonFormat::kFlat;
    if (name == "openwec") return JsonFormat::kOpenWec;
    if (name == "openwec-raw") return JsonFormat::kOpenWecRaw;
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
        case JsonFormat::kOpenWec:
            return "openwec";
        case JsonFormat::kOpenWecRaw:
            return "openwec-raw";
        case JsonFormat::kXml:
            return "xml";
    }
    return "?";
}

JsonFormat detect_shape(object o) {
    element v;
    object inner;
    std::string_view text;
    if (member(o, "data", v) && v.get(text) == simdjson::SUCCESS && member(o, "meta", v) &&
        v.type() == element_type::OBJECT) {
        return JsonFormat::kOpenWecRaw;
    }
    if (member(o, "Event", v) && get_object(v, inner) && member(inner, "System", v)) {
        return JsonFormat::kEvtxCrate;
    }
    if (member(o, "System", v) && get_object(v, inner)) {
        return is_openwec_system(o, inner) ? JsonFormat::kOpenWec : JsonFormat::kEvtxCrate;
    }
    if (member(o, "winlog", v) && v.type() == element_type::OBJECT) return JsonFormat::kEcs;
    return JsonFormat::kFlat;
}

namespace {

core::Result<void> build_with(object o, JsonFormat shape, core::Event& e, XmlParserSource& xml) {
    e.clear();
    switch (shape == JsonFormat::kAuto ? detect_shape(o) : shape) {
        case JsonFormat::kAuto:
        case JsonFormat::kXml:  // not JSON: read as the Windows shape it would be
        case JsonFormat::kEvtxCrate:
            build_crate(o, e);
            return {};
        case JsonFormat::kEcs:
            build_ecs(o, e);
            return {};
        case JsonFormat::kFlat:
            build_flat(o, e, xml);
            return {};
        case JsonFormat::kOpenWec:
            build_openwec(o, e, xml);
            return {};
        case JsonFormat::kOpenWecRaw:
            return build_openwec_raw(o, e, xml);
    }
    return {};
}

}  // namespace

core::Result<void> build_event(object o, JsonFormat shape, core::Event& e, WindowsXmlParser& xml) {
    XmlParserSource source(&xml);
    return build_with(o, shape, e, source);
}

void build_event(object o, JsonFormat shape, core::Event& e) {
    XmlParserSource source(nullptr);
    (void)build_with(o, shape, e, source);
}

}  // namespace vigie::json
