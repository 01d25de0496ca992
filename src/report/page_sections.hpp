// report/page_sections.hpp - the sections of the report page, each written by its own file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "report/host_roles.hpp"
#include "report/html_report.hpp"
#include "report/page_writer.hpp"

namespace vigie::report {

/// What every section reads, computed once.
struct PageContext {
    const ReportInput& input;
    /// The stage each detection rule puts a detection on (the furthest of its stages), or -1;
    /// indexed like RuleSet::rule_info.
    std::vector<int> rule_stage;
    /// What the logs show of each host's role, by host key.
    std::map<std::string, std::vector<RoleSeen>> roles;
};

/// "Act now": hosts to isolate, hosts to check, accounts to disable or reset.
void write_act_now(PageWriter& page, const PageContext& context);
/// The ransomware path of each host with detections on it, as a ladder of seven stages.
void write_host_ladders(PageWriter& page, const PageContext& context);
/// The lateral-movement graph (Graphviz) and its table.
void write_lateral_graph(PageWriter& page, const PageContext& context);
/// One lane per host over the days, a mark per detection by stage.
void write_timeline(PageWriter& page, const PageContext& context);
/// The table's frame; its rows come from the JSON data below, drawn by the page's script.
void write_detections_table(PageWriter& page, const PageContext& context);
/// The detections as JSON for the table (safe inside <script>).
std::string detections_json(const PageContext& context);
/// What was read, the rules, the time zones, when the page was made.
void write_footer(PageWriter& page, const PageContext& context);

/// The SVG symbol of each stage (an icon beside its name: never colour alone), as <symbol>
/// elements with ids "st0".."st6", and status marks "yes" / "no".
std::string stage_symbols();
/// The class name of a stage ("s0".."s6") and of an urgency ("u0".."u5").
std::string stage_class(int stage);
std::string urgency_class(hunt::Urgency urgency);
/// The icon of a stage, referencing stage_symbols().
void write_stage_icon(PageWriter& page, int stage, int size = 18);
/// Both names of a stage.
void write_stage_name(PageWriter& page, hunt::Stage stage);
/// Both labels of an urgency.
void write_urgency(PageWriter& page, hunt::Urgency urgency);
/// The host's roles as marks ("domain controller", with what showed it), or nothing.
void write_roles(PageWriter& page, const PageContext& context, const std::string& host);
/// A time in UTC and in Paris time.
void write_time(PageWriter& page, core::FileTimeTicks t);

}  // namespace vigie::report
