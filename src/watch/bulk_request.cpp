#include "watch/bulk_request.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>
#include <optional>

#include "core/value.hpp"

namespace vigie::watch {
namespace {

// An action line is a few dozen bytes; anything this long is not one, and is not parsed.
constexpr std::size_t kMaxActionLineBytes = 64u << 10;

struct Line {
    std::string_view text;  // without LF and CR
    std::uint64_t offset = 0;
    std::uint64_t number = 0;
};

bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// Cuts the body into lines, skipping blank ones.
class LineCursor {
  public:
    explicit LineCursor(std::string_view body, std::size_t max_line)
        : body_(body), max_line_(max_line) {}

    // The next non-blank line; nullopt at the end. Sets too_long() instead for an oversized line.
    std::optional<Line> next() {
        while (pos_ < body_.size()) {
            const char* start = body_.data() + pos_;
            const std::size_t avail = body_.size() - pos_;
            const void* lf = std::memchr(start, '\n', avail);
            const std::size_t len =
                lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - start)
                              : avail;
            Line line{{start, len}, pos_, ++number_};
            pos_ += len + (lf != nullptr ? 1 : 0);
            if (len > max_line_) {
                too_long_ = line;
                return std::nullopt;
            }
            if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
            if (trim(line.text).empty()) continue;
            return line;
        }
        return std::nullopt;
    }
    const std::optional<Line>& too_long() const noexcept { return too_long_; }

  private:
    std::string_view body_;
    std::size_t max_line_;
    std::size_t pos_ = 0;
    std::uint64_t number_ = 0;
    std::optional<Line> too_long_;
};

struct ParsedAction {
    BulkItem::Problem problem = BulkItem::Problem::kNone;
    BulkAction action = BulkAction::kUnknown;
    std::string_view index, id;
    std::string why;
};

BulkAction action_from_name(std::string_view name) noexcept {
    if (name == "create") return BulkAction::kCreate;
    if (name == "index") return BulkAction::kIndex;
    if (name == "update") return BulkAction::kUpdate;
    if (name == "delete") return BulkAction::kDelete;
    return BulkAction::kUnknown;
}

// Reads action lines with simdjson's DOM parser (full validation, runtime-dispatched SIMD
// kernels) through one padded copy, reused.
class ActionParser {
  public:
    explicit ActionParser(BulkRequest& request) : request_(request) {}

    ParsedAction parse(std::string_view line) {
        ParsedAction r;
        auto malformed = [&](std::string why) {
            r.problem = BulkItem::Problem::kMalformedAction;
            r.action = BulkAction::kUnknown;
            r.index = r.id = {};
            r.why = std::move(why);
            return std::move(r);
        };
        if (line.size() > kMaxActionLineBytes) return malformed("action line too long");
        padded_.resize(line.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded_.data(), line.data(), line.size());
        std::memset(padded_.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
        simdjson::dom::element doc;
        if (const auto err = parser_.parse(padded_.data(), line.size(), false).get(doc)) {
            return malformed(std::string("malformed action line: ") + simdjson::error_message(err));
        }
        simdjson::dom::object top;
        if (doc.get_object().get(top) != simdjson::SUCCESS) {
            return malformed("malformed action line: expected a JSON object");
        }
        if (top.size() == 0) return malformed("malformed action line: no action");
        if (top.size() > 1) return malformed("malformed action line: more than one action");
        const simdjson::dom::key_value_pair action = *top.begin();
        r.action = action_from_name(action.key);
        simdjson::dom::object meta;
        if (action.value.get_object().get(meta) != simdjson::SUCCESS) {
            return malformed("malformed action line: the action's metadata is not an object");
        }
        for (const simdjson::dom::key_value_pair field : meta) {
            const bool is_index = field.key == "_index";
            if (!is_index && field.key != "_id") continue;  // routing, pipeline...: ignored
            std::string_view text;
            if (field.value.get_string().get(text) != simdjson::SUCCESS) {
                return malformed(
                    fmt::format("malformed action line: {} is not a string", field.key));
            }
            (is_index ? r.index : r.id) = keep(text, is_index);
        }
        if (r.action == BulkAction::kUnknown) {
            r.problem = BulkItem::Problem::kUnknownAction;
            r.why = "unknown action [";
            r.why += action.key.substr(0, 64);
            r.why += "], expected one of [create, delete, index, update]";
        }
        return r;
    }

  private:
    // The parser's strings die with the next line: keep a copy in the request. Every item of
    // a request usually names the same index, so the last index kept is reused when equal.
    std::string_view keep(std::string_view text, bool is_index) {
        if (is_index && last_index_ != nullptr && *last_index_ == text) return *last_index_;
        const std::string& kept = request_.strings.emplace_back(text);
        if (is_index) last_index_ = &kept;
        return kept;
    }

    BulkRequest& request_;
    simdjson::dom::parser parser_;
    std::string padded_;
    const std::string* last_index_ = nullptr;
};

bool looks_like_object(std::string_view line) noexcept {
    const std::string_view t = trim(line);
    return t.size() >= 2 && t.front() == '{' && t.back() == '}';
}

const char* problem_why(BulkItem::Problem problem) noexcept {
    switch (problem) {
        case BulkItem::Problem::kMissingSource:
            return "the action is not followed by a source line";
        case BulkItem::Problem::kSourceNotObject:
            return "the source line is not a JSON object";
        case BulkItem::Problem::kUnsupportedAction:
            return "vigie does not support the update action";
        default:
            return "";
    }
}

void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto r = fmt::format_to_n(buf, sizeof buf, "{}", v);
    out.append(buf, r.size);
}

}  // namespace

const char* bulk_action_name(BulkAction action) noexcept {
    switch (action) {
        case BulkAction::kCreate:
            return "create";
        case BulkAction::kUpdate:
            return "update";
        case BulkAction::kDelete:
            return "delete";
        case BulkAction::kIndex:
        case BulkAction::kUnknown:
            return "index";
    }
    return "index";
}

core::Result<BulkRequest> parse_bulk_body(std::string_view body, const BulkLimits& limits) {
    BulkRequest request;
    ActionParser actions(request);
    LineCursor lines(body, limits.max_line_bytes);
    auto line_too_long = [&]() -> core::Error {
        const Line& l = *lines.too_long();
        core::Location where;
        where.offset = l.offset;
        where.line = static_cast<std::uint32_t>(std::min<std::uint64_t>(l.number, UINT32_MAX));
        return core::fail(core::ErrorCode::kLimitExceeded,
                          fmt::format("line {} is {} bytes long, over the limit of {}", l.number,
                                      l.text.size(), limits.max_line_bytes),
                          where);
    };
    std::optional<Line> pending;  // a line read ahead that turned out to be an action
    for (;;) {
        std::optional<Line> line = pending ? pending : lines.next();
        pending.reset();
        if (!line) {
            if (lines.too_long()) return line_too_long();
            break;
        }
        if (request.items.size() == limits.max_items) {
            return core::fail(
                core::ErrorCode::kLimitExceeded,
                fmt::format("more than {} items in one bulk request", limits.max_items));
        }
        ParsedAction parsed = actions.parse(line->text);
        if (request.items.empty() && parsed.problem == BulkItem::Problem::kMalformedAction) {
            core::Location where;
            where.offset = line->offset;
            where.line =
                static_cast<std::uint32_t>(std::min<std::uint64_t>(line->number, UINT32_MAX));
            return core::fail(core::ErrorCode::kParse,
                              "not an NDJSON bulk body: " + parsed.why + " on its first line",
                              where);
        }
        BulkItem& item = request.items.emplace_back();
        item.action = parsed.action;
        item.problem = parsed.problem;
        item.index = parsed.index;
        item.id = parsed.id;
        item.why = std::move(parsed.why);
        item.line = line->number;
        item.offset = line->offset;
        if (!item.ok()) {
            // A broken action line: the next line is its source unless it is a valid action.
            std::optional<Line> next = lines.next();
            if (!next) {
                if (lines.too_long()) return line_too_long();
                continue;
            }
            if (actions.parse(next->text).problem == BulkItem::Problem::kNone) {
                pending = next;
            } else {
                item.source = next->text;
                item.source_offset = next->offset;
            }
            continue;
        }
        if (item.action == BulkAction::kDelete) continue;
        std::optional<Line> source = lines.next();
        if (!source) {
            if (lines.too_long()) return line_too_long();
            item.problem = BulkItem::Problem::kMissingSource;
        } else {
            item.source = source->text;
            item.source_offset = source->offset;
            if (!looks_like_object(item.source)) item.problem = BulkItem::Problem::kSourceNotObject;
        }
        if (item.ok() && item.action == BulkAction::kUpdate) {
            item.problem = BulkItem::Problem::kUnsupportedAction;
        }
        if (!item.ok()) item.why = problem_why(item.problem);
    }
    if (request.items.empty()) {
        return core::fail(core::ErrorCode::kParse, "request body is required: no requests added");
    }
    return request;
}

std::vector<ItemOutcome> default_outcomes(const BulkRequest& request) {
    std::vector<ItemOutcome> outcomes;
    outcomes.reserve(request.items.size());
    for (const BulkItem& item : request.items) {
        switch (item.problem) {
            case BulkItem::Problem::kNone:
                outcomes.push_back(item.action == BulkAction::kDelete
                                       ? ItemOutcome{ItemOutcome::Kind::kNotFound, {}}
                                       : ItemOutcome::created());
                break;
            case BulkItem::Problem::kMissingSource:
            case BulkItem::Problem::kSourceNotObject:
                outcomes.push_back(ItemOutcome::invalid(item.why));
                break;
            case BulkItem::Problem::kMalformedAction:
            case BulkItem::Problem::kUnknownAction:
            case BulkItem::Problem::kUnsupportedAction:
                outcomes.push_back({ItemOutcome::Kind::kBadAction, item.why});
                break;
        }
    }
    return outcomes;
}

void BulkIdGenerator::append_next(std::string& out) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 15 bytes: the seed (8) then the counter (7, big-endian so IDs sort in creation order).
    std::uint8_t bytes[15];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(seed_ >> (56 - 8 * i));
    const std::uint64_t n = counter_++;
    for (int i = 0; i < 7; ++i) bytes[8 + i] = static_cast<std::uint8_t>(n >> (48 - 8 * i));
    for (int i = 0; i < 15; i += 3) {
        const std::uint32_t v =
            (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
}

std::string render_bulk_response(const BulkRequest& request, std::span<const ItemOutcome> outcomes,
                                 std::uint64_t took_ms, BulkIdGenerator& ids) {
    auto outcome_at = [&](std::size_t i) {
        return i < outcomes.size() ? outcomes[i] : ItemOutcome::created();
    };
    bool errors = false;
    for (std::size_t i = 0; i < request.items.size(); ++i) {
        const auto kind = outcome_at(i).kind;
        errors =
            errors || (kind != ItemOutcome::Kind::kCreated && kind != ItemOutcome::Kind::kNotFound);
    }
    std::string out;
    out.reserve(48 + request.items.size() * 224);
    out += "{\"took\":";
    append_uint(out, took_ms);
    out += errors ? ",\"errors\":true,\"items\":[" : ",\"errors\":false,\"items\":[";
    for (std::size_t i = 0; i < request.items.size(); ++i) {
        const BulkItem& item = request.items[i];
        const ItemOutcome outcome = outcome_at(i);
        if (i > 0) out += ',';
        out += "{\"";
        out += bulk_action_name(item.action);
        out += "\":{\"_index\":";
        core::append_json_string(out, item.index);
        out += ",\"_id\":";
        if (item.id.empty()) {
            out += '"';
            ids.append_next(out);
            out += '"';
        } else {
            core::append_json_string(out, item.id);
        }
        const char* error_type = nullptr;
        int status = 0;
        switch (outcome.kind) {
            case ItemOutcome::Kind::kCreated:
            case ItemOutcome::Kind::kNotFound: {
                const bool created = outcome.kind == ItemOutcome::Kind::kCreated;
                out += created ? ",\"_version\":1,\"result\":\"created\""
                               : ",\"_version\":1,\"result\":\"not_found\"";
                out += ",\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0},\"_seq_no\":";
                append_uint(out, i);
                out += created ? ",\"_primary_term\":1,\"status\":201}}"
                               : ",\"_primary_term\":1,\"status\":404}}";
                continue;
            }
            case ItemOutcome::Kind::kInvalid:
                error_type = "mapper_parsing_exception";
                status = 400;
                break;
            case ItemOutcome::Kind::kBadAction:
                error_type = "illegal_argument_exception";
                status = 400;
                break;
            case ItemOutcome::Kind::kRejected:
                error_type = "es_rejected_execution_exception";
                status = 429;
                break;
        }
        out += ",\"status\":";
        append_uint(out, static_cast<std::uint64_t>(status));
        out += ",\"error\":{\"type\":\"";
        out += error_type;
        out += "\",\"reason\":";
        core::append_json_string(out, outcome.reason);
        out += "}}}";
    }
    out += "]}";
    return out;
}

std::string render_root_info(const EsServerIdentity& identity) {
    std::string out = "{\"name\":";
    core::append_json_string(out, identity.node_name);
    out += ",\"cluster_name\":";
    core::append_json_string(out, identity.cluster_name);
    out += ",\"cluster_uuid\":";
    core::append_json_string(out, identity.cluster_uuid);
    out += ",\"version\":{\"number\":";
    core::append_json_string(out, identity.version);
    out +=
        ",\"build_flavor\":\"default\",\"build_type\":\"deb\","
        "\"build_hash\":\"0000000000000000000000000000000000000000\","
        "\"build_date\":\"2024-01-01T00:00:00.000000000Z\",\"build_snapshot\":false,"
        "\"minimum_wire_compatibility_version\":\"7.17.0\","
        "\"minimum_index_compatibility_version\":\"7.0.0\"},"
        "\"tagline\":\"You Know, for Search\"}";
    return out;
}

std::string render_license() {
    // Elasticsearch's own basic licence answer, plus "mode", which Beats releases before 7.x's
    // licenser rewrite read instead of "type" (an unknown field to the later ones).
    return "{\"license\":{\"status\":\"active\",\"uid\":\"76696769-6500-4000-8000-000000000001\","
           "\"type\":\"basic\",\"mode\":\"basic\",\"issue_date\":\"2024-01-01T00:00:00.000Z\","
           "\"issue_date_in_millis\":1704067200000,\"max_nodes\":1000,"
           "\"max_resource_units\":null,\"issued_to\":\"vigie\",\"issuer\":\"elasticsearch\","
           "\"start_date_in_millis\":-1}}";
}

std::string render_request_error(int status, std::string_view reason) {
    const char* type = status == 400   ? "illegal_argument_exception"
                       : status == 429 ? "es_rejected_execution_exception"
                                       : "exception";
    std::string out = "{\"error\":{\"root_cause\":[{\"type\":\"";
    out += type;
    out += "\",\"reason\":";
    core::append_json_string(out, reason);
    out += "}],\"type\":\"";
    out += type;
    out += "\",\"reason\":";
    core::append_json_string(out, reason);
    out += "},\"status\":";
    append_uint(out, static_cast<std::uint64_t>(status < 0 ? 0 : status));
    out += '}';
    return out;
}

}  // namespace vigie::watch
