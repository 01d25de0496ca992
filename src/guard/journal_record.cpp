#include "guard/journal_record.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include <fstream>

#include "core/value.hpp"

namespace vigie::guard {
namespace {

void text(std::string& out, const char* name, const std::string& value) {
    if (value.empty()) return;
    fmt::format_to(std::back_inserter(out), ",\"{}\":\"", name);
    core::append_json_escaped(out, value);
    out += '"';
}

std::uint32_t crc_of(std::string_view s) {
    return static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

bool op_from_name(std::string_view name, JournalOp& op) {
    for (const JournalOp o : {JournalOp::kContent, JournalOp::kCreate, JournalOp::kRename,
                              JournalOp::kDelete, JournalOp::kSkipped}) {
        if (name == journal_op_name(o)) {
            op = o;
            return true;
        }
    }
    return false;
}

}  // namespace

const char* journal_op_name(JournalOp op) noexcept {
    switch (op) {
        case JournalOp::kContent:
            return "content";
        case JournalOp::kCreate:
            return "create";
        case JournalOp::kRename:
            return "rename";
        case JournalOp::kDelete:
            return "delete";
        case JournalOp::kSkipped:
            return "skipped";
    }
    return "?";
}

std::string journal_line(const JournalRecord& r) {
    std::string json = fmt::format("{{\"seq\":{},\"time\":{},\"op\":\"{}\"", r.sequence, r.time_ns,
                                   journal_op_name(r.op));
    text(json, "actor", r.actor);
    text(json, "client", r.client);
    text(json, "path", r.path);
    text(json, "from", r.from);
    if (r.directory) json += ",\"dir\":true";
    if (r.inode != 0)
        fmt::format_to(std::back_inserter(json), ",\"dev\":{},\"ino\":{}", r.device, r.inode);
    if (r.op == JournalOp::kContent)
        fmt::format_to(std::back_inserter(json), ",\"size\":{},\"mode\":{}", r.size, r.mode);
    text(json, "sha256", r.sha256);
    text(json, "link", r.link);
    text(json, "reason", r.reason);
    json += '}';
    return fmt::format("{}\t{:08x}\n", json, crc_of(json));
}

core::Result<JournalContents> read_journal(const std::string& log_path) {
    JournalContents out;
    std::ifstream in(log_path, std::ios::binary);
    if (!in) return out;
    simdjson::dom::parser parser;
    for (std::string line; std::getline(in, line);) {
        const auto tab = line.rfind('\t');
        if (tab == std::string::npos || line.size() - tab != 9) {
            ++out.damaged_lines;
            continue;
        }
        const std::string_view json(line.data(), tab);
        if (fmt::format("{:08x}", crc_of(json)) != std::string_view(line).substr(tab + 1)) {
            ++out.damaged_lines;
            continue;
        }
        simdjson::dom::element doc;
        const simdjson::padded_string padded(json);
        if (parser.parse(padded).get(doc)) {
            ++out.damaged_lines;
            continue;
        }
        JournalRecord r;
        auto integer = [&](const char* key) -> std::uint64_t {
            std::uint64_t v = 0;
            return doc[key].get_uint64().get(v) ? 0 : v;
        };
        auto string = [&](const char* key) -> std::string {
            std::string_view v;
            return doc[key].get_string().get(v) ? std::string() : std::string(v);
        };
        if (!op_from_name(string("op"), r.op)) {
            ++out.damaged_lines;
            continue;
        }
        r.sequence = integer("seq");
        std::int64_t time = 0;
        if (!doc["time"].get_int64().get(time)) r.time_ns = time;
        r.actor = string("actor");
        r.client = string("client");
        r.path = string("path");
        r.from = string("from");
        bool dir = false;
        if (!doc["dir"].get_bool().get(dir)) r.directory = dir;
        r.device = integer("dev");
        r.inode = integer("ino");
        r.size = integer("size");
        r.mode = static_cast<std::uint32_t>(integer("mode"));
        r.sha256 = string("sha256");
        r.link = string("link");
        r.reason = string("reason");
        out.records.push_back(std::move(r));
    }
    return out;
}

}  // namespace vigie::guard
