// The timeline: one lane per host that reached a stage, the days across, a mark per detection
// on the row of its stage (each stage has its own shape and row, so colour is never needed to
// read it). Detections that fall on the same pixel of the same row become one mark with their
// count, which bounds the drawing by its width, whatever the number of detections. The page's
// script can zoom to hours: each mark carries its time.
#include <fmt/format.h>

#include <map>

#include "report/page_sections.hpp"
#include "report/paris_time.hpp"

namespace vigie::report {
namespace {

constexpr int kLeft = 200;   // host names
constexpr int kWidth = 900;  // the time axis
constexpr int kRow = 7;      // one row per stage
constexpr int kLane = kRow * static_cast<int>(hunt::kStageCount) + 10;
constexpr int kTop = 28;  // day labels
constexpr std::size_t kMaxLanes = 40;
constexpr core::FileTimeTicks kDay = core::kTicksPerSecond * 86400;

std::int64_t unix_ms(core::FileTimeTicks t) {
    return static_cast<std::int64_t>(t / 10'000) -
           static_cast<std::int64_t>(core::kFileTimeUnixEpochSeconds) * 1000;
}

}  // namespace

void write_timeline(PageWriter& page, const PageContext& context) {
    const hunt::HostPicture& picture = *context.input.picture;
    const std::vector<hunt::Detection>& detections = *context.input.detections;
    page.raw(
        "<section id=\"timeline\" aria-labelledby=\"timeline-title\">\n<h2 "
        "id=\"timeline-title\">");
    page.both("Timeline", "Chronologie").raw("</h2>\n");

    std::map<std::string, std::size_t> lane_of;
    std::vector<const hunt::HostReport*> lanes;
    std::size_t hidden = 0;
    for (const hunt::HostReport& h : picture.hosts) {
        if (!h.furthest()) continue;
        if (lanes.size() == kMaxLanes) {
            ++hidden;
            continue;
        }
        lane_of.emplace(hunt::host_key(h.host), lanes.size());
        lanes.push_back(&h);
    }
    core::FileTimeTicks first = 0, last = 0;
    for (const hunt::Detection& d : detections) {
        if (d.timestamp == 0 || context.rule_stage[d.rule] < 0) continue;
        if (first == 0 || d.timestamp < first) first = d.timestamp;
        last = std::max(last, d.timestamp);
    }
    if (lanes.empty() || first == 0) {
        page.raw("<p>").both("No detection on the ransomware path.",
                             "Aucune détection sur le chemin du rançongiciel.");
        page.raw("</p>\n</section>\n");
        return;
    }
    // Whole UTC days, so that the ticks fall on midnights.
    const core::FileTimeTicks t0 = first / kDay * kDay;
    const core::FileTimeTicks t1 = (last / kDay + 1) * kDay;
    const double span = static_cast<double>(t1 - t0);
    auto x_of = [&](core::FileTimeTicks t) {
        return kLeft + static_cast<double>(t - t0) / span * kWidth;
    };
    const int height = kTop + static_cast<int>(lanes.size()) * kLane + 4;

    page.raw("<div class=\"tl-controls no-print\"><button type=\"button\" id=\"tl-in\">");
    page.both("Zoom in", "Zoomer").raw("</button> <button type=\"button\" id=\"tl-out\">");
    page.both("Zoom out", "Dézoomer").raw("</button> <button type=\"button\" id=\"tl-reset\">");
    page.both("Whole period", "Toute la période").raw("</button> <span class=\"hint\">");
    page.both("(click a day to see its hours)", "(cliquez sur un jour pour voir ses heures)");
    page.raw("</span></div>\n");
    page.raw(
        fmt::format("<svg id=\"tl\" class=\"timeline\" role=\"img\" viewBox=\"0 0 {} {}\" "
                    "width=\"{}\" height=\"{}\" data-t0=\"{}\" data-t1=\"{}\" data-left=\"{}\" "
                    "data-width=\"{}\" aria-labelledby=\"timeline-title\">\n",
                    kLeft + kWidth + 10, height, kLeft + kWidth + 10, height, unix_ms(t0),
                    unix_ms(t1), kLeft, kWidth));
    // Lanes and host names.
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        const int y = kTop + static_cast<int>(i) * kLane;
        page.raw(fmt::format("<rect class=\"lane{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                             i % 2, y, kLeft + kWidth + 10, kLane));
        page.raw(fmt::format("<text class=\"lane-name\" x=\"4\" y=\"{}\">", y + kLane / 2 + 4));
        page.svg_log(lanes[i]->host, 26).raw("</text>\n");
    }
    // Day ticks (the script redraws them when zooming).
    page.raw("<g id=\"tl-axis\">");
    for (core::FileTimeTicks t = t0; t <= t1; t += kDay) {
        const double x = x_of(t);
        page.raw(
            fmt::format("<line class=\"tick\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>", x,
                        kTop - 6, x, height));
        if (t < t1) {
            page.raw(
                fmt::format("<text class=\"day\" data-day=\"{}\" x=\"{:.1f}\" y=\"{}\">{}</text>",
                            unix_ms(t), x + 4, kTop - 10, utc_text(t).substr(0, 10)));
        }
    }
    page.raw("</g>\n<g id=\"tl-marks\">");
    // (lane, stage, pixel) -> count and first time.
    std::map<std::tuple<std::size_t, int, int>, std::pair<std::uint64_t, core::FileTimeTicks>>
        marks;
    for (const hunt::Detection& d : detections) {
        const int stage = context.rule_stage[d.rule];
        if (stage < 0 || d.timestamp == 0) continue;
        const auto lane =
            lane_of.find(hunt::host_key(d.computer.empty() ? "(unknown)" : d.computer));
        if (lane == lane_of.end()) continue;
        const int px = static_cast<int>(x_of(d.timestamp));
        auto& [count, when] = marks[{lane->second, stage, px}];
        if (count++ == 0) when = d.timestamp;
    }
    for (const auto& [key, value] : marks) {
        const auto& [lane, stage, px] = key;
        const int y = kTop + static_cast<int>(lane) * kLane + 5 + stage * kRow;
        page.raw(
            fmt::format("<use href=\"#m{}\" class=\"{}\" x=\"{}\" y=\"{}\" width=\"8\" "
                        "height=\"8\" data-t=\"{}\"><title>",
                        stage, stage_class(stage), px - 4, y - 4, unix_ms(value.second)));
        page.svg_log(lanes[lane]->host, 60).text(" \u2014 ");
        page.text(hunt::stage_name(static_cast<hunt::Stage>(stage), context.input.language));
        page.text(fmt::format(" \u2014 {} \u2014 {}", both_zones_text(value.second), value.first));
        page.raw("</title></use>");
    }
    page.raw("</g>\n</svg>\n<p class=\"legend\">");
    for (int s = 0; s < static_cast<int>(hunt::kStageCount); ++s) {
        page.raw(
            fmt::format("<span class=\"key\"><svg width=\"10\" height=\"10\" "
                        "aria-hidden=\"true\" class=\"{}\"><use href=\"#m{}\" width=\"10\" "
                        "height=\"10\"/></svg> ",
                        stage_class(s), s));
        write_stage_name(page, static_cast<hunt::Stage>(s));
        page.raw("</span> ");
    }
    if (hidden > 0) {
        page.both(fmt::format("({} more hosts in the table)", hidden),
                  fmt::format("({} autres machines dans le tableau)", hidden));
    }
    page.raw("</p>\n</section>\n");
}

}  // namespace vigie::report
