// The page: sections in order, both languages, the policy, and hostile log text that stays text
// everywhere (element text, attributes, JSON data, the Graphviz drawing).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <regex>
#include <set>

#include "hostile_fixture.hpp"
#include "report/host_roles.hpp"
#include "report/html_report.hpp"
#include "report/lateral_graph.hpp"

namespace {

using namespace vigie;

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

// The page without the contents of its script elements (the data block and the script).
std::string markup_only(const std::string& page) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t open; (open = page.find("<script", at)) != std::string::npos;) {
        const std::size_t body = page.find('>', open) + 1;
        out.append(page, at, body - at);
        at = page.find("</script>", body);
        if (at == std::string::npos) return out;
    }
    out.append(page, at);
    return out;
}

// Every attribute name in every tag of `markup` (text is escaped, so every '<' opens a tag).
std::vector<std::string> attribute_names(const std::string& markup) {
    std::vector<std::string> names;
    const std::regex attribute("[\\s/]([A-Za-z_:][-A-Za-z0-9_:.]*)\\s*=");
    for (std::size_t open = markup.find('<'); open != std::string::npos;
         open = markup.find('<', open + 1)) {
        const std::size_t close = markup.find('>', open);
        const std::string tag = markup.substr(open, close - open);
        // Attribute values are quoted: drop them so that text inside them is not read as names.
        const std::string bare = std::regex_replace(tag, std::regex("\"[^\"]*\""), "\"\"");
        for (std::sregex_iterator it(bare.begin(), bare.end(), attribute), end; it != end; ++it) {
            names.push_back((*it)[1]);
        }
    }
    return names;
}

class HostileReport : public ::testing::Test {
  protected:
    void SetUp() override {
        test::build_hostile_case(case_);
        input_.rules = &case_.rules;
        input_.picture = &case_.picture;
        input_.detections = &case_.detections;
        input_.tool_version = "vigie test";
        input_.rule_sources = {"<rules>"};
        input_.generated_at = 13'220'000'000ULL * core::kTicksPerSecond;
        auto page = report::render_html_report(input_);
        ASSERT_TRUE(page) << page.error().to_string();
        page_ = std::move(*page);
    }
    test::HostileCase case_;
    report::ReportInput input_;
    std::string page_;
};

TEST_F(HostileReport, HasEverySectionInOrder) {
    std::size_t at = 0;
    for (const char* id : {"id=\"act-now\"", "id=\"paths\"", "id=\"graph\"", "id=\"timeline\"",
                           "id=\"detections\"", "id=\"about\""}) {
        const std::size_t found = page_.find(id, at);
        ASSERT_NE(found, std::string::npos) << id;
        at = found;
    }
    EXPECT_NE(page_.find("Act now"), std::string::npos);
    EXPECT_NE(page_.find("Agir maintenant"), std::string::npos);
    EXPECT_NE(page_.find("Europe/Paris"), std::string::npos);
    EXPECT_NE(page_.find("@page { size: A4"), std::string::npos);
    // Seven rungs per host, each with a word for its state.
    EXPECT_EQ(count(page_, "<li class=\"rung "), 7 * case_.picture.hosts.size());
}

TEST_F(HostileReport, AllowsOnlyItsOwnStyleAndScript) {
    const std::regex csp(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
        "'nonce-([0-9a-f]{32})'; style-src 'nonce-([0-9a-f]{32})'; base-uri "
        "'none'; form-action 'none'\">");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page_, m, csp));
    EXPECT_EQ(m[1], m[2]);
    EXPECT_EQ(count(page_, "<script"), 2u);  // the JSON data block and the page's script
    EXPECT_EQ(count(page_, "<script nonce=\"" + m[1].str() + "\">"), 1u);
    EXPECT_EQ(count(page_, "<style"), 1u);
    EXPECT_EQ(count(page_, "<style nonce=\"" + m[1].str() + "\">"), 1u);
    // Nothing to fetch: no external reference of any kind.
    for (const char* bad : {"src=", "http://", "https://", "url(", "@import", " style=\""}) {
        std::string page = markup_only(page_);
        // The SVG namespace is a name, not a request.
        for (const char* ns : {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}) {
            for (std::size_t at; (at = page.find(ns)) != std::string::npos;)
                page.erase(at, std::strlen(ns));
        }
        EXPECT_EQ(page.find(bad), std::string::npos) << bad;
    }
    // Two nonces never repeat.
    auto again = report::render_html_report(input_);
    ASSERT_TRUE(again);
    EXPECT_FALSE(std::regex_search(*again, std::regex("'nonce-" + m[1].str())));
}

TEST_F(HostileReport, LogTextNeverBecomesMarkup) {
    for (const char* raw : {"<script>alert", "<img", "<svg onload", "\"onerror", "\"onmouseover",
                            "<b>x</b>", "\u202E", "\u2028"}) {
        // (In the JSON data an attribute breaker is an escaped quote: \"onerror.)
        EXPECT_EQ(markup_only(page_).find(raw), std::string::npos) << raw;
    }
    for (const char* raw : {"<", ">", "\u202E", "\u2028"}) {
        EXPECT_EQ(page_.find(std::string("onerror=alert(2)") + raw), std::string::npos) << raw;
    }
    // No tag anywhere carries an event handler or a source.
    for (const std::string& name : attribute_names(markup_only(page_))) {
        EXPECT_FALSE(name.starts_with("on") || name == "src" || name == "style") << name;
    }
    // The data block holds no markup character at all.
    const std::size_t data = page_.find("id=\"vigie-data\">");
    ASSERT_NE(data, std::string::npos);
    const std::string block = page_.substr(data + 17, page_.find("</script>", data) - data - 17);
    EXPECT_EQ(block.find_first_of("<>&"), std::string::npos);
    EXPECT_NE(page_.find("&lt;script&gt;alert(&#39;host&#39;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page_.find("adm_[U+202E]fdp.exe"), std::string::npos);
    EXPECT_NE(page_.find("\\u003cscript\\u003ealert('host')\\u003c/script\\u003e"),
              std::string::npos);
    EXPECT_NE(page_.find("[U+2028]"), std::string::npos);  // shown, not a line break
    // 10 kB names are cut where they are shown, and say how long they were.
    EXPECT_NE(page_.find("(10240 characters)"), std::string::npos);
    EXPECT_EQ(page_.find(std::string(1000, 'H')), std::string::npos);
    EXPECT_EQ(page_.find(std::string(1000, 'a')), std::string::npos);
    EXPECT_LT(page_.size(), 400'000u);
}

TEST_F(HostileReport, GraphNamesAreLabelsNotDot) {
    auto svg = report::render_lateral_graph_svg(case_.picture, hunt::Language::kEnglish);
    ASSERT_TRUE(svg) << svg.error().to_string();
    ASSERT_FALSE(svg->empty());
    EXPECT_TRUE(svg->starts_with("<svg")) << svg->substr(0, 200);
    // One node per host the edges touch, plus one date heading per day: no node named EVIL.
    std::set<std::string> touched;
    for (const hunt::LateralEdge& e : case_.picture.edges) {
        touched.insert(hunt::host_key(e.source));
        touched.insert(hunt::host_key(e.target));
    }
    EXPECT_EQ(svg->find("<title>EVIL</title>"), std::string::npos);
    EXPECT_EQ(count(*svg, "class=\"edge\""), case_.picture.edges.size()) << *svg;
    EXPECT_GE(count(*svg, "class=\"node\""), touched.size());
    EXPECT_NE(svg->find("SRV&quot; &#45;&gt; EVIL [label=&lt;&lt;b&gt;x&lt;/b&gt;&gt;] \\N"),
              std::string::npos)
        << *svg;
    for (const char* raw : {"<script", "<b>", "\u202E"}) {
        EXPECT_EQ(svg->find(raw), std::string::npos) << raw;
    }
    for (const std::string& name : attribute_names(*svg)) {
        EXPECT_FALSE(name.starts_with("on") || name.ends_with("href")) << name;
    }
}

TEST(Report, RefusesAnIncompleteInput) {
    report::ReportInput in;
    EXPECT_FALSE(report::render_html_report(in));
}

}  // namespace

namespace {

// Graphviz 2.43 fails on some layouts (libpath "triangulation failed", then heap corruption);
// the columns are built so that it never meets them. Many random pictures, all drawn.
TEST(LateralGraph, DrawsRandomPictures) {
    std::mt19937 random(18);
    for (int round = 0; round < 150; ++round) {
        hunt::HostPicture picture;
        const int hosts = 2 + static_cast<int>(random() % 14);
        for (int h = 0; h < hosts; ++h) {
            hunt::HostReport r;
            r.host = "HOST-" + std::to_string(h) + (h % 3 == 0 ? ".chu.local" : "");
            r.first = 13'220'000'000ULL * core::kTicksPerSecond +
                      (random() % (7 * 86400)) * core::kTicksPerSecond;
            const auto stage = random() % 7;
            r.stages[stage].reached = true;
            r.stages[stage].first = r.first;
            r.urgency = static_cast<hunt::Urgency>(random() % 6);
            picture.hosts.push_back(r);
        }
        const int edges = 1 + static_cast<int>(random() % 25);
        for (int e = 0; e < edges; ++e) {
            hunt::LateralEdge edge;
            const auto from = random() % (hosts + 2);  // some sources are addresses
            edge.source = from < static_cast<unsigned>(hosts) ? picture.hosts[from].host
                                                              : "10.0.0." + std::to_string(from);
            edge.target = picture.hosts[random() % hosts].host;
            edge.account = random() % 4 == 0 ? "" : "adm-" + std::to_string(random() % 3);
            edge.method = "method " + std::to_string(random() % 5);
            edge.first = edge.last = 13'220'000'000ULL * core::kTicksPerSecond +
                                     (random() % (7 * 86400)) * core::kTicksPerSecond;
            edge.detections = 1 + random() % 3;
            picture.edges.push_back(edge);
        }
        auto svg = report::render_lateral_graph_svg(picture, hunt::Language::kFrench);
        ASSERT_TRUE(svg) << "round " << round << ": " << svg.error().to_string();
        EXPECT_TRUE(svg->starts_with("<svg")) << round;
    }
}

}  // namespace

namespace {

TEST(HostRoles, AreSaidOnlyFromWhatTheLogsShow) {
    auto at = [](std::string computer, std::int64_t id,
                 std::vector<std::pair<std::string, std::string>> fields = {}) {
        hunt::Detection d;
        d.computer = std::move(computer);
        d.channel = "Security";
        d.event_id = id;
        d.fields = std::move(fields);
        return d;
    };
    const std::vector<hunt::Detection> detections = {
        at("DC01.chu.local", 4769),
        at("SRV-FICHIERS-01.chu.local", 5145, {{"ShareName", "\\\\*\\Dossiers-Patients"}}),
        at("PC-RADIO-01.chu.local", 5140, {{"ShareName", "\\\\*\\ADMIN$"}}),
        at("PC-RADIO-01.chu.local", 4624),
    };
    hunt::HostPicture picture;
    for (const char* name : {"SRV-SAUVEGARDE.chu.local", "PC-RADIO-01.chu.local"}) {
        hunt::HostReport h;
        h.host = name;
        picture.hosts.push_back(h);
    }
    const auto roles = report::infer_host_roles(detections, picture);
    ASSERT_EQ(roles.size(), 3u);
    EXPECT_EQ(roles.at("DC01")[0].role, report::HostRole::kDomainController);
    EXPECT_EQ(roles.at("SRV-FICHIERS-01")[0].role, report::HostRole::kFileServer);
    EXPECT_EQ(roles.at("SRV-FICHIERS-01")[0].evidence, "Dossiers-Patients");
    EXPECT_EQ(roles.at("SRV-SAUVEGARDE")[0].role, report::HostRole::kBackupServer);
    EXPECT_EQ(roles.count("PC-RADIO-01"), 0u);  // an administrative share is no file server
}

}  // namespace
