// The detections table: a frame in the page, rows drawn by the page's script from a JSON data
// block, so that 1,500 or 100,000 detections stay a page of 100 rows at a time, sortable and
// filterable. Every string in the data went through visible_text and append_json_string.
#include <fmt/format.h>

#include <map>

#include "report/page_sections.hpp"

namespace vigie::report {
namespace {

constexpr std::size_t kHostChars = 200;
constexpr std::size_t kValueChars = 300;
constexpr std::size_t kSummaryFields = 6;

std::int64_t unix_ms(core::FileTimeTicks t) {
    return t == 0 ? 0
                  : static_cast<std::int64_t>(t / 10'000) -
                        static_cast<std::int64_t>(core::kFileTimeUnixEpochSeconds) * 1000;
}

}  // namespace

void write_detections_table(PageWriter& page, const PageContext& context) {
    page.raw(
        "<section id=\"detections\" aria-labelledby=\"detections-title\">\n<h2 "
        "id=\"detections-title\">");
    page.both("Detections", "Détections");
    page.text(fmt::format(" ({})", context.input.detections->size())).raw("</h2>\n");
    page.raw("<div class=\"filters no-print\"><label>");
    page.both("Search", "Rechercher").raw(" <input type=\"search\" id=\"f-text\"></label> <label>");
    page.both("Host", "Machine").raw(" <select id=\"f-host\"></select></label> <label>");
    page.both("Minimum level", "Niveau minimal")
        .raw(" <select id=\"f-level\"></select></label> <label>");
    page.both("Stage", "Étape").raw(" <select id=\"f-stage\"></select></label></div>\n");
    page.raw("<table id=\"det\" class=\"detections\"><thead><tr>");
    const std::pair<const char*, const char*> columns[] = {
        {"Time (UTC)", "Heure (UTC)"}, {"Paris", "Paris"},    {"Host", "Machine"},
        {"Level", "Niveau"},           {"Stage", "Étape"},    {"Rule", "Règle"},
        {"Event", "Événement"},        {"Details", "Détails"}};
    int column = 0;
    for (const auto& [en, fr] : columns) {
        page.raw(fmt::format("<th scope=\"col\" data-col=\"{}\" aria-sort=\"none\">", column++));
        // The script turns each header into a sort button; without it the headers stay text.
        page.both(en, fr).raw("</th>");
    }
    page.raw("</tr></thead><tbody id=\"det-body\"></tbody></table>\n");
    page.raw("<noscript><p>");
    page.both("The table needs JavaScript; the timeline and the paths above do not.",
              "Le tableau a besoin de JavaScript ; la chronologie et les chemins ci-dessus non.");
    page.raw("</p></noscript>\n<p class=\"pager no-print\"><button type=\"button\" id=\"p-prev\">");
    page.both("Previous", "Précédent")
        .raw(
            "</button> <span id=\"p-info\"></span> <button "
            "type=\"button\" id=\"p-next\">");
    page.both("Next", "Suivant").raw("</button></p>\n</section>\n");
}

std::string detections_json(const PageContext& context) {
    const ReportInput& in = context.input;
    std::string out;
    out.reserve(256 + in.detections->size() * 200);
    out += "{\"lang\":";
    append_json_string(out, in.language == hunt::Language::kFrench ? "fr" : "en");
    out += ",\"stages\":{\"en\":[";
    for (std::size_t s = 0; s < hunt::kStageCount; ++s) {
        if (s > 0) out += ',';
        append_json_string(out,
                           hunt::stage_name(static_cast<hunt::Stage>(s), hunt::Language::kEnglish));
    }
    out += "],\"fr\":[";
    for (std::size_t s = 0; s < hunt::kStageCount; ++s) {
        if (s > 0) out += ',';
        append_json_string(out,
                           hunt::stage_name(static_cast<hunt::Stage>(s), hunt::Language::kFrench));
    }
    out += "]}";

    // Hosts and rules once each; rows refer to them by index.
    std::map<std::string, std::size_t> host_index;
    std::vector<std::string> hosts;
    std::map<std::uint32_t, std::size_t> rule_index;
    std::vector<std::uint32_t> rules;
    std::string rows;
    rows.reserve(in.detections->size() * 160);
    for (const hunt::Detection& d : *in.detections) {
        auto [h, new_host] = host_index.try_emplace(d.computer, hosts.size());
        if (new_host) hosts.push_back(d.computer);
        auto [r, new_rule] = rule_index.try_emplace(d.rule, rules.size());
        if (new_rule) rules.push_back(d.rule);
        const sigma::RuleInfo& info = in.rules->rule_info(d.rule);
        if (!rows.empty()) rows += ',';
        fmt::format_to(std::back_inserter(rows), "[{},{},{},{},{},{},", unix_ms(d.timestamp),
                       h->second, static_cast<int>(info.level), context.rule_stage[d.rule],
                       r->second, d.event_id);
        std::string details;
        std::size_t shown = 0;
        for (const auto& [name, value] : d.fields) {
            if (shown++ == kSummaryFields) break;
            if (!details.empty()) details += "  \u00b7  ";
            details += visible_text(name, 60);
            details += '=';
            details += visible_text(value, kValueChars);
        }
        append_json_string(rows, details);
        rows += ']';
    }
    out += ",\"hosts\":[";
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (i > 0) out += ',';
        append_json_string(out, visible_text(hosts[i].empty() ? "?" : hosts[i], kHostChars));
    }
    out += "],\"rules\":[";
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (i > 0) out += ',';
        const sigma::RuleInfo& info = in.rules->rule_info(rules[i]);
        out += '[';
        append_json_string(out, visible_text(info.title, 200));
        out += ',';
        append_json_string(out, visible_text(info.id, 80));
        out += ']';
    }
    out += "],\"rows\":[";
    out += rows;
    out += "]}";
    return out;
}

}  // namespace vigie::report
