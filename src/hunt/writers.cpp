#include "hunt/writers.hpp"

#include <fmt/format.h>

#include "core/value.hpp"

namespace vigie::hunt {
namespace {

const sigma::RuleInfo& rule_of(const WriterContext& c, const Detection& d) {
    return c.rules->rule_info(d.rule);
}

std::string join_tags(const sigma::RuleInfo& info) {
    std::string out;
    for (const std::string& t : info.attack_tags()) {
        if (!out.empty()) out += ' ';
        out += t;
    }
    return out;
}

class BufferedWriter : public DetectionWriter {
  public:
    BufferedWriter(WriterContext context, Output output)
        : context_(context), output_(std::move(output)) {}

    bool finish() override {
        if (!buffer_.empty() && ok_) ok_ = output_(buffer_);
        buffer_.clear();
        return ok_;
    }

  protected:
    void flush_if_full() {
        if (buffer_.size() >= (64u << 10)) finish();
    }
    WriterContext context_;
    Output output_;
    std::string buffer_;
    bool ok_ = true;
};

class JsonlWriter : public BufferedWriter {
  public:
    using BufferedWriter::BufferedWriter;
    void write(const Detection& d) override {
        append_detection_json(buffer_, d, *context_.rules, (*context_.inputs)[d.file].path);
        buffer_ += '\n';
        flush_if_full();
    }
};

void append_csv(std::string& b, std::string_view s) {
    const bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos;
    if (!quote) {
        b.append(s);
        return;
    }
    b.push_back('"');
    for (const char c : s) {
        if (c == '"') b.push_back('"');
        b.push_back(c);
    }
    b.push_back('"');
}

class CsvWriter : public BufferedWriter {
  public:
    CsvWriter(WriterContext context, Output output) : BufferedWriter(context, std::move(output)) {
        buffer_ =
            "timestamp,computer,channel,event_id,record_id,level,rule_title,rule_id,tags,file,"
            "fields\n";
    }
    void write(const Detection& d) override {
        const sigma::RuleInfo& info = rule_of(context_, d);
        std::string& b = buffer_;
        append_csv(b, d.timestamp != 0 ? core::format_iso8601_micros(d.timestamp) : "");
        b += ',';
        append_csv(b, d.computer);
        b += ',';
        append_csv(b, d.channel);
        fmt::format_to(std::back_inserter(b), ",{},{},{},", d.event_id, d.record_id,
                       sigma::level_name(info.level));
        append_csv(b, info.title);
        b += ',';
        append_csv(b, info.id);
        b += ',';
        append_csv(b, join_tags(info));
        b += ',';
        append_csv(b, (*context_.inputs)[d.file].path);
        b += ',';
        std::string fields;
        for (const auto& [k, v] : d.fields) {
            if (!fields.empty()) fields += " | ";
            fields += k;
            fields += '=';
            fields += v;
        }
        append_csv(b, fields);
        b += '\n';
        flush_if_full();
    }
};

// Control characters would break the one-line layout of the table.
void append_flat(std::string& b, std::string_view s) {
    for (const char c : s) b.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
}

class TableWriter : public BufferedWriter {
  public:
    using BufferedWriter::BufferedWriter;
    void write(const Detection& d) override {
        const sigma::RuleInfo& info = rule_of(context_, d);
        std::string& b = buffer_;
        const char* colour = "";
        if (context_.colour) {
            switch (info.level) {
                case sigma::Level::kCritical:
                    colour = "\x1b[1;31m";
                    break;
                case sigma::Level::kHigh:
                    colour = "\x1b[31m";
                    break;
                case sigma::Level::kMedium:
                    colour = "\x1b[33m";
                    break;
                default:
                    colour = "\x1b[2m";
            }
        }
        fmt::format_to(std::back_inserter(b), "{}  {}{:<8}{}  {:<20}  {:<6} {:<26}  ",
                       format_time(d.timestamp), colour, sigma::level_name(info.level),
                       context_.colour ? "\x1b[0m" : "", d.computer, d.event_id,
                       d.channel.size() > 26 ? d.channel.substr(d.channel.size() - 26) : d.channel);
        append_flat(b, info.title);
        for (const auto& [k, v] : d.fields) {
            b += "  ";
            b += k;
            b += '=';
            append_flat(b, v.size() > 160 ? v.substr(0, 157) + "..." : v);
        }
        b += '\n';
        flush_if_full();
    }
};

}  // namespace

void append_detection_json(std::string& b, const Detection& d, const sigma::RuleSet& rules,
                           std::string_view file, std::string_view leading_members) {
    const sigma::RuleInfo& info = rules.rule_info(d.rule);
    b += '{';
    b += leading_members;
    b += "\"timestamp\":";
    core::append_json_string(b, d.timestamp != 0 ? core::format_iso8601_micros(d.timestamp) : "");
    b += ",\"computer\":";
    core::append_json_string(b, d.computer);
    b += ",\"channel\":";
    core::append_json_string(b, d.channel);
    fmt::format_to(std::back_inserter(b),
                   ",\"event_id\":{},\"record_id\":{},\"level\":", d.event_id, d.record_id);
    core::append_json_string(b, sigma::level_name(info.level));
    b += ",\"rule_id\":";
    core::append_json_string(b, info.id);
    b += ",\"rule_title\":";
    core::append_json_string(b, info.title);
    b += ",\"rule_source\":";
    core::append_json_string(b, d.rule < rules.rules().size()
                                    ? std::string_view(rules.rules()[d.rule]->target)
                                    : std::string_view("correlation"));
    b += ",\"tags\":[";
    bool first = true;
    for (const std::string& t : info.tags) {
        if (!first) b += ',';
        first = false;
        core::append_json_string(b, t);
    }
    b += "],\"file\":";
    core::append_json_string(b, file);
    b += ",\"fields\":{";
    first = true;
    for (const auto& [k, v] : d.fields) {
        if (!first) b += ',';
        first = false;
        core::append_json_string(b, k);
        b += ':';
        core::append_json_string(b, v);
    }
    b += "}}";
}

std::string format_time(core::FileTimeTicks t) {
    if (t == 0) return "-                      ";
    std::string iso = core::format_iso8601_micros(t);  // 2019-07-19T14:42:51.446280Z
    if (iso.size() >= 23) {
        iso[10] = ' ';
        iso.resize(23);
    }
    return iso;
}

std::unique_ptr<DetectionWriter> make_writer(std::string_view format, WriterContext context,
                                             Output output) {
    if (format == "jsonl") return std::make_unique<JsonlWriter>(context, std::move(output));
    if (format == "csv") return std::make_unique<CsvWriter>(context, std::move(output));
    if (format == "table") return std::make_unique<TableWriter>(context, std::move(output));
    return nullptr;
}

}  // namespace vigie::hunt
