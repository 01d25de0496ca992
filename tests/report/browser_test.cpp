// The report in a real browser: Debian's headless Chromium loads the demo week's report and a
// report of hostile logs, runs its script, and the DOM is checked: every flagged host with its
// stage, the lateral edges, the language switch, no script error, no console message, no
// request leaving the page (Chromium's own network log, with a control page that does make
// one to show the check can fail), and hostile strings as text. Screenshots and the PDF print
// are left in the build folder (report-browser/). Skipped when chromium is not installed.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "../cli/cli_support.hpp"
#include "hostile_fixture.hpp"
#include "hunt/host_picture.hpp"
#include "hunt/host_report.hpp"
#include "scenario/scenario.hpp"

namespace {

using namespace vigie::test;
namespace fs = std::filesystem;

// Screenshots and the PDF stay here for a person to look at.
const fs::path kOut = fs::path(VIGIE_BINARY_DIR) / "report-browser";

// Everything else goes to a folder of this process's own: ctest runs each test in a process
// of its own, several at once, and Chromium cannot share a profile between instances.
const fs::path& work() {
    static const fs::path dir = kOut / ("work-" + std::to_string(::getpid()));
    return dir;
}

std::string chromium_path() {
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
        if (fs::exists(p)) return p;
    }
    return {};
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Browser {
    std::string dom;
    std::string log;  // Chromium's standard error (console messages among it)
    int status = -1;
};

// Quiet, offline-minded Chromium: its own background services off, so that what the network
// log shows is the page's doing.
const std::string kFlags =
    " --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
    " --disable-background-networking --disable-component-update --disable-sync"
    " --disable-default-apps --enable-logging=stderr --v=0 --virtual-time-budget=5000";

std::string profile_flag() {
    return " --user-data-dir=" + (work() / "profile").string();
}

Browser chromium(const std::string& args, const std::string& url) {
    const fs::path err = work() / "chromium.stderr";
    Browser b;
    const CommandResult r = run(chromium_path() + kFlags + profile_flag() + " " + args + " '" +
                                url + "' 2>" + err.string());
    b.status = r.status;
    b.dom = r.out;
    b.log = read(err);
    return b;
}

// Requests the page made, from Chromium's network log: URL requests with a page as initiator
// (the browser's own requests say "not an origin").
std::vector<std::string> page_requests(const fs::path& net_log) {
    std::vector<std::string> urls;
    simdjson::dom::parser parser;
    simdjson::dom::element log;
    const std::string text = read(net_log);
    if (parser.parse(text).get(log) != simdjson::SUCCESS) {
        ADD_FAILURE() << "net log not JSON: " << net_log;
        return urls;
    }
    std::int64_t start_job = -1;
    simdjson::dom::object types;
    if (log["constants"]["logEventTypes"].get(types) == simdjson::SUCCESS) {
        for (auto [name, value] : types) {
            if (name == "URL_REQUEST_START_JOB") start_job = value.get_int64().value_unsafe();
        }
    }
    EXPECT_GE(start_job, 0);
    simdjson::dom::array events;
    if (log["events"].get(events) != simdjson::SUCCESS) return urls;
    for (simdjson::dom::element e : events) {
        std::int64_t type = -1;
        if (e["type"].get(type) != simdjson::SUCCESS || type != start_job) continue;
        std::string_view initiator, url;
        if (e["params"]["initiator"].get(initiator) != simdjson::SUCCESS) continue;
        if (initiator == "not an origin") continue;
        if (e["params"]["url"].get(url) == simdjson::SUCCESS) urls.emplace_back(url);
    }
    return urls;
}

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

std::string attribute(const std::string& dom, const std::string& element_id,
                      const std::string& name) {
    const std::size_t at = dom.find("id=\"" + element_id + "\"");
    if (at == std::string::npos) return "(no element)";
    const std::size_t open = dom.rfind('<', at);
    const std::size_t close = dom.find('>', at);
    const std::string tag = dom.substr(open, close - open);
    const std::size_t a = tag.find(" " + name + "=\"");
    if (a == std::string::npos) return "(absent)";
    const std::size_t v = a + name.size() + 3;
    return tag.substr(v, tag.find('"', v) - v);
}

// The page's own record: its script ran to the end, no policy violation, no script error,
// nothing fetched (resource timing); and nothing in the console.
void expect_clean_run(const Browser& b) {
    EXPECT_EQ(attribute(b.dom, "page-check", "data-ready"), "1") << "the script did not finish";
    EXPECT_EQ(attribute(b.dom, "page-check", "data-violations"), "0");
    EXPECT_EQ(attribute(b.dom, "page-check", "data-errors"), "(absent)");
    EXPECT_EQ(attribute(b.dom, "page-check", "data-resources"), "0");
    for (const std::string& line : lines(b.log)) {
        EXPECT_EQ(line.find(":CONSOLE"), std::string::npos) << line;
    }
}

class ReportInBrowser : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        if (chromium_path().empty()) return;
        fs::create_directories(work());
        logs_ = work() / "demo-week";
        fs::remove_all(logs_);
        vigie::scenario::ScenarioOptions options;
        auto written = vigie::scenario::write_hospital_scenario(options, logs_.string());
        if (written) manifest_ = *written;
        report_ = work() / "report.html";
        const auto started = std::chrono::steady_clock::now();
        report_status_ = run(kVigie + " report --no-summary -o " + report_.string() + " " +
                             logs_.string() + " 2>&1")
                             .status;
        report_seconds_ =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        fs::remove_all(work(), ec);
    }
    void SetUp() override {
        if (chromium_path().empty())
            GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
        ASSERT_EQ(report_status_, 0);
    }
    static std::string url(const std::string& query = "") {
        return "file://" + report_.string() + query;
    }
    static inline fs::path logs_, report_;
    static inline vigie::scenario::ScenarioManifest manifest_;
    static inline int report_status_ = -1;
    static inline double report_seconds_ = 0;
};

TEST_F(ReportInBrowser, DemoWeekIsSmallAndQuick) {
    const auto size = fs::file_size(report_);
    RecordProperty("report_bytes", std::to_string(size));
    RecordProperty("report_seconds", std::to_string(report_seconds_));
    std::printf("demo week: %zu events, report %ju bytes in %.2f s (hunt included)\n",
                static_cast<std::size_t>(manifest_.events), static_cast<std::uintmax_t>(size),
                report_seconds_);
    EXPECT_LT(size, 5u * 1000 * 1000);
    EXPECT_LT(report_seconds_, 2.0);
}

TEST_F(ReportInBrowser, EveryFlaggedHostAndItsStageAreInTheDom) {
    const Browser b = chromium("--dump-dom", url());
    ASSERT_EQ(b.status, 0) << b.log;
    expect_clean_run(b);
    // What `vigie hunt --hosts` says of the same logs.
    const CommandResult hosts =
        run(kVigie + " hunt --hosts --format jsonl --no-summary " + logs_.string());
    simdjson::dom::parser parser;
    std::size_t flagged = 0, edges = 0;
    for (const std::string& l : lines(hosts.out)) {
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(l).get(e), simdjson::SUCCESS);
        if (e["type"].get_string().value_unsafe() == "lateral_edge") {
            ++edges;
            continue;
        }
        if (e["urgency_rank"].get_int64().value_unsafe() <
            static_cast<int>(vigie::hunt::Urgency::kCompromised)) {
            continue;
        }
        ++flagged;
        const std::string host(e["host"].get_string().value_unsafe());
        const std::string stage(e["stage"].get_string().value_unsafe());
        int index = -1;
        for (int s = 0; s < 7; ++s) {
            if (stage == vigie::hunt::stage_name(static_cast<vigie::hunt::Stage>(s),
                                                 vigie::hunt::Language::kEnglish)) {
                index = s;
            }
        }
        ASSERT_GE(index, 0) << stage;
        // In "Act now" and in its ladder, with the stage as data and as words.
        const std::string row =
            "data-host=\"" + host + "\" data-stage=\"" + std::to_string(index) + "\"";
        EXPECT_EQ(count(b.dom, row), 2u) << host << " at " << stage;
        EXPECT_NE(b.dom.find(stage), std::string::npos) << stage;
    }
    EXPECT_GE(flagged, 5u);
    // The servers are marked with what showed their role.
    for (const auto& h : manifest_.hosts) {
        const char* role = h.role == "domain controller" ? "domain controller"
                           : h.role == "file server"     ? "file server"
                           : h.role == "backup server"   ? "backup server"
                                                         : nullptr;
        if (role == nullptr || !h.attacked) continue;
        const std::size_t row = b.dom.find("data-host=\"" + h.name);
        ASSERT_NE(row, std::string::npos) << h.name;
        const std::string cells = b.dom.substr(row, b.dom.find("</tr>", row) - row);
        EXPECT_NE(cells.find(role), std::string::npos) << h.name << ": " << cells;
    }
    // Every attacked host of the scenario is among them.
    for (const auto& h : manifest_.hosts) {
        if (!h.attacked) continue;
        EXPECT_NE(b.dom.find("data-host=\"" + h.name), std::string::npos) << h.name;
    }
    // The lateral edges: each in the table, and the graph drew arrows between hosts.
    const std::size_t table = b.dom.find("id=\"edges\"");
    ASSERT_NE(table, std::string::npos);
    const std::string edge_table = b.dom.substr(table, b.dom.find("</table>", table) - table);
    EXPECT_EQ(count(edge_table, "<tr>") - 1, edges);
    const std::size_t graph = b.dom.find("class=\"graph l-en\"");
    ASSERT_NE(graph, std::string::npos);
    const std::string svg = b.dom.substr(graph, b.dom.find("</svg>", graph) - graph);
    EXPECT_GE(count(svg, "class=\"edge\""), 6u);
    for (const auto& h : manifest_.hosts) {
        if (h.attacked) {
            EXPECT_NE(svg.find(h.name), std::string::npos) << h.name;
        }
    }
    // The table was drawn from the data: a first page of rows.
    const std::size_t body = b.dom.find("id=\"det-body\"");
    ASSERT_NE(body, std::string::npos);
    EXPECT_GE(count(b.dom.substr(body, b.dom.find("</tbody>", body) - body), "<tr"), 100u);
}

TEST_F(ReportInBrowser, LanguageSwitches) {
    const Browser en = chromium("--dump-dom", url());
    EXPECT_NE(en.dom.find("<html lang=\"en\" data-lang=\"en\""), std::string::npos);
    EXPECT_NE(en.dom.find("<span id=\"p-info\">rows 1"), std::string::npos);
    const Browser fr = chromium("--dump-dom", url("?lang=fr"));
    expect_clean_run(fr);
    EXPECT_NE(fr.dom.find("<html lang=\"fr\" data-lang=\"fr\""), std::string::npos);
    EXPECT_NE(fr.dom.find("<span id=\"p-info\">lignes 1"), std::string::npos);
    EXPECT_NE(fr.dom.find("<title>vigie : rapport d'intrusion</title>"), std::string::npos);
    // A report written in French opens in French.
    const fs::path french = work() / "report-fr.html";
    ASSERT_EQ(run(kVigie + " report --no-summary --lang fr -o " + french.string() + " " +
                  logs_.string() + " 2>&1")
                  .status,
              0);
    const Browser fr2 = chromium("--dump-dom", "file://" + french.string());
    EXPECT_NE(fr2.dom.find("<html lang=\"fr\" data-lang=\"fr\""), std::string::npos);
}

// The script's views, reached by link: the table filtered by a search, the timeline on one day.
TEST_F(ReportInBrowser, SearchAndDayViews) {
    const Browser b = chromium("--dump-dom", url("?q=vssadmin&day=2019-11-16"));
    expect_clean_run(b);
    const std::size_t body = b.dom.find("id=\"det-body\"");
    ASSERT_NE(body, std::string::npos);
    const std::string rows = b.dom.substr(body, b.dom.find("</tbody>", body) - body);
    const std::size_t shown = count(rows, "<tr");
    EXPECT_GE(shown, 1u);
    EXPECT_LT(shown, 100u);
    for (std::size_t at = rows.find("<tr"); at != std::string::npos;) {
        const std::size_t next = rows.find("<tr", at + 1);
        EXPECT_NE(rows.substr(at, next - at).find("vssadmin"), std::string::npos)
            << rows.substr(at, next - at);
        at = next;
    }
    // Zoomed to one day: hour ticks drawn, marks of other days hidden.
    EXPECT_GE(count(b.dom, "class=\"hour-label\""), 20u);
    EXPECT_GE(count(b.dom, "visibility=\"hidden\""), 1u);
    EXPECT_GE(count(b.dom, "visibility=\"visible\""), 1u);
}

TEST_F(ReportInBrowser, NoRequestLeavesThePage) {
    const fs::path net = work() / "net-log.json";
    const Browser b = chromium("--log-net-log=" + net.string() + " --dump-dom", url());
    expect_clean_run(b);
    const auto requests = page_requests(net);
    EXPECT_TRUE(requests.empty()) << requests.front();
    // The same check sees a page that does make a request.
    const fs::path control = work() / "control.html";
    std::ofstream(control) << "<!DOCTYPE html><html><body><script>"
                              "fetch('http://vigie-control.invalid/x').catch(function(){});"
                              "</script></body></html>";
    const fs::path control_net = work() / "control-net-log.json";
    chromium("--log-net-log=" + control_net.string() + " --dump-dom", "file://" + control.string());
    const auto control_requests = page_requests(control_net);
    ASSERT_EQ(control_requests.size(), 1u);
    EXPECT_EQ(control_requests[0], "http://vigie-control.invalid/x");
}

TEST_F(ReportInBrowser, ScreenshotsAndPdf) {
    const fs::path first = kOut / "report-first-screen.png";
    fs::remove(first);
    chromium("--window-size=1280,1000 --screenshot=" + first.string(), url());
    EXPECT_GT(fs::exists(first) ? fs::file_size(first) : 0, 20'000u);
    // The graph alone: its SVG from the page in a page of its own.
    const std::string page = read(report_);
    const std::size_t graph = page.find("<div class=\"graph l-en\"");
    ASSERT_NE(graph, std::string::npos);
    const std::size_t end = page.find("</div>", graph);
    const fs::path graph_page = work() / "graph.html";
    std::ofstream(graph_page) << "<!DOCTYPE html><html><body>" << page.substr(graph, end - graph)
                              << "</div></body></html>";
    const fs::path graph_png = kOut / "report-graph.png";
    fs::remove(graph_png);
    chromium("--window-size=2400,900 --screenshot=" + graph_png.string(),
             "file://" + graph_page.string());
    EXPECT_GT(fs::exists(graph_png) ? fs::file_size(graph_png) : 0, 20'000u);
    const fs::path pdf = kOut / "report.pdf";
    fs::remove(pdf);
    chromium("--no-pdf-header-footer --print-to-pdf=" + pdf.string(), url());
    ASSERT_TRUE(fs::exists(pdf));
    EXPECT_TRUE(read(pdf).starts_with("%PDF"));
    EXPECT_GT(fs::file_size(pdf), 50'000u);
}

// Many hosts and detections: the attack samples hunted with every SigmaHQ rule. The table pages
// its rows, so the page stays light and its script quick.
TEST_F(ReportInBrowser, AttackSamplesStayUsable) {
    const fs::path samples = fs::path(VIGIE_SHARED_DATA) / "evtx-attack-samples";
    const fs::path sigma = fs::path(VIGIE_SHARED_DATA) / "sigma" / "rules";
    if (!fs::exists(samples) || !fs::exists(sigma))
        GTEST_SKIP() << "no " << samples << " or " << sigma;
    const fs::path report = work() / "attack-samples.html";
    const CommandResult r = run(kVigie + " report --no-summary -r " + sigma.string() + " -o " +
                                report.string() + " " + samples.string() + " 2>&1");
    ASSERT_LE(r.status, 1) << r.out;
    const std::string page = read(report);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\\((\\d+) detections"))) << r.out;
    const std::size_t rows = std::stoul(m[1]);
    std::printf("attack samples: %zu detections, report %zu bytes\n", rows, page.size());
    EXPECT_GE(rows, 1000u);
    EXPECT_LT(page.size(), 5u * 1000 * 1000);
    const auto started = std::chrono::steady_clock::now();
    const Browser b = chromium("--dump-dom", "file://" + report.string());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    expect_clean_run(b);
    const std::size_t body = b.dom.find("id=\"det-body\"");
    ASSERT_NE(body, std::string::npos);
    EXPECT_EQ(count(b.dom.substr(body, b.dom.find("</tbody>", body) - body), "<tr"), 100u);
    EXPECT_NE(b.dom.find("rows 1\u2013100 of "), std::string::npos);
    EXPECT_LT(seconds, 20.0);  // loading, running the script and dumping, virtual time included
}

// A hostile log: the same strings as the unit tests' fixture, read from JSON lines by
// `vigie report` with rules that keep the hostile fields.
TEST_F(ReportInBrowser, HostileLogRendersAsText) {
    RuleDir dir;
    dir.write("rules.yml", R"(title: Shell started
id: 10000000-0000-0000-0000-000000000001
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4688}, condition: selection}
fields: [CommandLine, SubjectUserName]
level: high
tags: [attack.execution, attack.credential-access]
---
title: Network logon with an admin account
id: 10000000-0000-0000-0000-000000000002
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4624, LogonType: 3}, condition: selection}
fields: [TargetUserName, WorkstationName, IpAddress]
level: high
tags: [attack.lateral-movement, attack.t1021.002]
---
title: Shadow copies deleted
id: 10000000-0000-0000-0000-000000000003
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4688, CommandLine|contains: vssadmin}, condition: selection}
level: critical
tags: [attack.impact, attack.t1490]
)");
    std::string events;
    auto event = [&](int hour, const std::string& host, int id,
                     std::vector<std::pair<std::string, std::string>> fields) {
        std::string line = "{\"EventID\":" + std::to_string(id) +
                           ",\"Channel\":\"Security\",\"TimeCreated\":\"2019-11-15T" +
                           (hour < 10 ? "0" : "") + std::to_string(hour) + ":00:00Z\"";
        fields.emplace_back("Hostname", host);
        for (const auto& [k, v] : fields) {
            line += ",\"" + k + "\":";
            std::string escaped;
            for (const char c : v) {
                if (c == '"' || c == '\\') escaped += '\\';
                escaped += c;
            }
            line += "\"" + escaped + "\"";
        }
        events += line + "}\n";
    };
    event(1, kScriptHost, 4688, {{"CommandLine", kCommand}, {"SubjectUserName", kRtlAccount}});
    event(2, kAttrHost, 4624,
          {{"LogonType", "3"},
           {"TargetUserName", kLongAccount},
           {"WorkstationName", kScriptHost},
           {"IpAddress", "10.0.0.66"}});
    event(3, kLongHost, 4624,
          {{"LogonType", "3"},
           {"TargetUserName", kRtlAccount},
           {"WorkstationName", kAttrHost},
           {"IpAddress", "10.0.0.67"}});
    event(4, kDotHost, 4688, {{"CommandLine", "vssadmin delete shadows /all " + kCommand}});
    event(5, kDotHost, 4624,
          {{"LogonType", "3"},
           {"TargetUserName", "x\"onmouseover=\""},
           {"WorkstationName", kLongHost},
           {"IpAddress", "10.0.0.68"}});
    dir.write("hostile.jsonl", events);
    const fs::path report = work() / "hostile.html";
    const CommandResult r =
        run(kVigie + " report --no-summary -r " + dir.file("rules.yml") + " -o " + report.string() +
            " " + dir.file("hostile.jsonl") + " 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    const Browser b = chromium("--dump-dom", "file://" + report.string());
    expect_clean_run(b);
    // Only the page's own two script elements exist; no element came from the logs.
    EXPECT_EQ(count(b.dom, "<script"), 2u);
    for (const char* raw : {"<img", "<svg onload", "<b>x</b>", "onerror=\"", "onmouseover=\"\""}) {
        EXPECT_EQ(b.dom.find(raw), std::string::npos) << raw;
    }
    // The strings are there, as text: in the page and in the rows the script drew.
    EXPECT_NE(b.dom.find("&lt;script&gt;alert('host')&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(b.dom.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
    EXPECT_NE(b.dom.find("adm_[U+202E]fdp.exe"), std::string::npos);
    EXPECT_NE(b.dom.find("(10240 characters)"), std::string::npos);
    const std::size_t body = b.dom.find("id=\"det-body\"");
    ASSERT_NE(body, std::string::npos);
    const std::string rows = b.dom.substr(body, b.dom.find("</tbody>", body) - body);
    EXPECT_EQ(count(rows, "<tr"), 6u);  // the vssadmin line matches two rules
    EXPECT_NE(rows.find("&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
    EXPECT_NE(rows.find("[U+2028]"), std::string::npos);
    // The graph has the three hosts the logons link, by their (cut) names.
    EXPECT_NE(b.dom.find("class=\"graph l-en\""), std::string::npos);
    const fs::path shot = kOut / "hostile.png";
    chromium("--window-size=1280,1000 --screenshot=" + shot.string(), "file://" + report.string());
}

}  // namespace

namespace {

// The page without what changes from one run to the next (the nonce, the generation time).
std::string stable(std::string page) {
    page = std::regex_replace(page, std::regex("nonce-[0-9a-f]{32}|nonce=\"[0-9a-f]{32}\""), "N");
    return std::regex_replace(page, std::regex("<dt>[^\n]*Generated[^\n]*</dd>"), "G");
}

TEST(ReportCommand, HuntReportIsTheSamePageBesideTheTimeline) {
    RuleDir dir;
    const CommandResult hunt = run(kVigie + " hunt --no-summary --format csv --report " +
                                   dir.file("a.html") + " " + kDemo);
    ASSERT_EQ(hunt.status, 0);
    EXPECT_GT(lines(hunt.out).size(), 10u);  // the timeline still goes to standard output
    const CommandResult report =
        run(kVigie + " report --no-summary -o " + dir.file("b.html") + " " + kDemo + " 2>&1");
    ASSERT_EQ(report.status, 0) << report.out;
    const std::string a = read(dir.file("a.html"));
    const std::string b = read(dir.file("b.html"));
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(stable(a), stable(b));
    EXPECT_NE(a, b);  // a fresh nonce each time
}

TEST(ReportCommand, DemoEndsWithTheReportOfTheWeek) {
    RuleDir dir;
    const CommandResult r = run(kVigie + " demo --lang fr --output " + dir.path() + " 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    const std::string page = dir.file("vigie-report.html");
    EXPECT_NE(r.out.find("rapport de la semaine"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(page), std::string::npos) << r.out;
    EXPECT_LT(lines(r.out).size(), 40u) << r.out;  // a short summary, the rest is in the page
    EXPECT_NE(read(page).find("<html lang=\"fr\""), std::string::npos);
}

TEST(ReportCommand, UnwritablePathIsAnError) {
    const CommandResult r =
        run(kVigie + " report --no-summary -o /nonexistent-dir/r.html " + kDemo + " 2>&1");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("cannot write the report"), std::string::npos) << r.out;
}

}  // namespace
