#include "report/lateral_graph.hpp"

#include <fmt/format.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>

#include "report/paris_time.hpp"
#include "report/text_escape.hpp"

// Graphviz measures text through pango, whose fontconfig caches live until exit by design and
// are never freed; LeakSanitizer would fail every program that draws a graph. Their leaks (and
// only theirs) are not reported. The hook is read by the sanitizer runtime at start; it lives
// here so that every binary linking the report gets it.
#if defined(__SANITIZE_ADDRESS__)
#define VIGIE_REPORT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIE_REPORT_ASAN 1
#endif
#endif
#if defined(VIGIE_REPORT_ASAN)
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\n";
}
#endif

namespace vigie::report {
namespace {

// A label value for Graphviz from log text: visible, bounded, one line, and with the two
// characters Graphviz interprets in plain labels neutralised: a backslash starts an escape
// (\N, \G, \l...), an ampersand an entity that Graphviz would decode.
std::string label_part(std::string_view text, std::size_t max_chars) {
    std::string out;
    for (const char c : visible_text(text, max_chars, false)) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '&') {
            out += "&amp;";
        } else if (c == '\n' || c == '\t') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

struct Node {
    std::string name;  // as the logs give it
    core::FileTimeTicks first = 0;
    const hunt::HostReport* host = nullptr;
};

// "PC-ACCUEIL-07 (10.20.4.57)" (a name with the address it was learnt from) is PC-ACCUEIL-07.
std::string graph_key(std::string_view name) {
    if (const std::size_t paren = name.find(" ("); paren != std::string_view::npos && paren > 0) {
        name = name.substr(0, paren);
    }
    return hunt::host_key(name);
}

// The detections between two hosts, drawn as one arrow (the table lists them one by one).
struct Arrow {
    std::vector<std::string> accounts;  // first seen first
    std::vector<std::string> methods;
    core::FileTimeTicks first = 0;
    std::uint64_t detections = 0;
};

void add_once(std::vector<std::string>& names, const std::string& name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
    }
}

// "a, b (+3)": the first `shown` names, then how many more.
std::string names_label(const std::vector<std::string>& names, std::size_t shown,
                        std::size_t max_chars) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
        if (i > 0) out += ", ";
        out += label_part(names[i], max_chars);
    }
    if (names.size() > shown) out += fmt::format(" (+{})", names.size() - shown);
    return out;
}

core::FileTimeTicks first_compromise(const hunt::HostReport& h) {
    core::FileTimeTicks first = 0;
    for (const hunt::StageSeen& s : h.stages) {
        if (s.reached && s.first != 0 && (first == 0 || s.first < first)) first = s.first;
    }
    return first != 0 ? first : h.first;
}

// Graphviz 2.43's pango plugin remembers the last font it measured by a pointer into the
// context's font dictionary: freeing a context leaves that pointer dangling for the next one
// (a use-after-free under AddressSanitizer, a heap corruption crash without it). So one context
// lives as long as the process, and Graphviz's global state allows one layout at a time.
GVC_t* shared_context() {
    static GVC_t* const context = gvContext();
    return context;
}
std::mutex graphviz_mutex;

// Owns the graph and its layout for one rendering; frees them in the order Graphviz needs.
class GraphvizSession {
  public:
    GraphvizSession() : lock_(graphviz_mutex), gvc_(shared_context()) {}
    ~GraphvizSession() {
        if (graph_ != nullptr) {
            if (laid_out_) gvFreeLayout(gvc_, graph_);
            agclose(graph_);
        }
    }
    GraphvizSession(const GraphvizSession&) = delete;
    GraphvizSession& operator=(const GraphvizSession&) = delete;

    GVC_t* gvc() const { return gvc_; }
    Agraph_t* open() {
        char name[] = "lateral";
        graph_ = agopen(name, Agdirected, nullptr);
        return graph_;
    }
    void laid_out() { laid_out_ = true; }

  private:
    std::lock_guard<std::mutex> lock_;
    GVC_t* gvc_ = nullptr;
    Agraph_t* graph_ = nullptr;
    bool laid_out_ = false;
};

// agsafeset takes char*; the strings are copied into Graphviz's own pool.
void set(void* object, const char* name, const std::string& value, const char* fallback = "") {
    agsafeset(object, const_cast<char*>(name), const_cast<char*>(value.c_str()),
              const_cast<char*>(fallback));
}

// An attribute named on... inside a tag (text between tags is escaped, so every '<' opens one).
bool has_event_attribute(std::string_view low) {
    for (std::size_t open = low.find('<'); open != std::string_view::npos;
         open = low.find('<', open + 1)) {
        const std::size_t close = low.find('>', open);
        const std::string_view tag = low.substr(open, close - open);
        for (std::size_t at = tag.find("on"); at != std::string_view::npos;
             at = tag.find("on", at + 2)) {
            const bool starts = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\n' ||
                                           tag[at - 1] == '\t' || tag[at - 1] == '/');
            std::size_t end = at + 2;
            while (end < tag.size() && std::isalpha(static_cast<unsigned char>(tag[end]))) ++end;
            if (starts && end > at + 2 && end < tag.size() && tag[end] == '=') return true;
        }
        if (close == std::string_view::npos) break;
    }
    return false;
}

}  // namespace

core::Result<std::string> render_lateral_graph_svg(const hunt::HostPicture& picture,
                                                   hunt::Language lang) {
    const bool fr = lang == hunt::Language::kFrench;

    // Nodes: every host an edge touches, by host key.
    std::map<std::string, std::size_t> index;
    std::vector<Node> nodes;
    std::map<std::string, const hunt::HostReport*> hosts;
    for (const hunt::HostReport& h : picture.hosts) hosts.emplace(hunt::host_key(h.host), &h);
    auto node_of = [&](const std::string& name, core::FileTimeTicks seen) {
        const std::string key = graph_key(name);
        auto [it, inserted] = index.try_emplace(key, nodes.size());
        if (inserted) {
            Node n;
            n.name = name.empty() ? "?" : name;
            if (auto h = hosts.find(key); h != hosts.end()) {
                n.host = h->second;
                n.name = h->second->host;
                n.first = first_compromise(*h->second);
            }
            nodes.push_back(std::move(n));
        }
        Node& n = nodes[it->second];
        if (n.host == nullptr && seen != 0 && (n.first == 0 || seen < n.first)) n.first = seen;
        return it->second;
    };
    // Edges whose source the logs do not give stay in the table: an arrow needs two ends.
    std::map<std::pair<std::size_t, std::size_t>, Arrow> arrows;
    for (const hunt::LateralEdge& e : picture.edges) {
        if (e.source.empty() || e.target.empty()) continue;
        const std::size_t from = node_of(e.source, e.first);
        const std::size_t to = node_of(e.target, 0);
        Arrow& a = arrows[{from, to}];
        add_once(a.accounts, e.account);
        add_once(a.methods, e.method);
        if (a.first == 0 || e.first < a.first) a.first = e.first;
        a.detections += e.detections;
        // A target with no detection of its own: placed where the first edge reached it.
        Node& target = nodes[to];
        if (target.first == 0 || (target.host == nullptr && e.first < target.first)) {
            target.first = e.first;
        }
    }
    if (arrows.empty()) return std::string();

    // Columns in time order: hosts go into the current column while no arrow links them to a
    // host already in it, else they open the next one. No arrow ever joins two hosts of one
    // column: dot's routing of labelled edges inside one rank fails on some graphs (libpath
    // "triangulation failed", then a crash), and a column of hosts reached in one sweep reads
    // well (a spread from one host to many is one step to the right).
    std::vector<std::size_t> order(nodes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return nodes[a].first < nodes[b].first; });
    std::vector<std::size_t> column(nodes.size());
    std::vector<std::vector<std::size_t>> columns;
    for (const std::size_t n : order) {
        bool linked = columns.empty();
        if (!linked) {
            for (const std::size_t other : columns.back()) {
                if (arrows.contains({n, other}) || arrows.contains({other, n})) linked = true;
            }
        }
        if (linked) columns.emplace_back();
        columns.back().push_back(n);
        column[n] = columns.size() - 1;
    }

    GraphvizSession session;
    if (session.gvc() == nullptr) return core::fail(core::ErrorCode::kUnsupported, "gvContext");
    Agraph_t* g = session.open();
    if (g == nullptr) return core::fail(core::ErrorCode::kUnsupported, "agopen");
    set(g, "rankdir", "LR");
    set(g, "nodesep", "0.35");
    set(g, "ranksep", "0.9");
    set(g, "fontname", "sans-serif");
    set(g, "bgcolor", "transparent");

    std::vector<Agraph_t*> subgraphs;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string id = fmt::format("c{}", c);
        subgraphs.push_back(agsubg(g, const_cast<char*>(id.c_str()), 1));
        set(subgraphs.back(), "rank", "same");
    }
    std::vector<Agnode_t*> drawn;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        const std::string id = fmt::format("n{}", i);
        Agnode_t* v = agnode(subgraphs[column[i]], const_cast<char*>(id.c_str()), 1);
        std::string label = label_part(n.name, 40);
        if (n.first != 0) label += "\\n" + label_part(both_zones_text(n.first), 40);
        std::string shape = "box";
        std::string style = "rounded,filled";
        std::string fill = "#eef2f6";
        std::string pen = "1";
        if (n.host != nullptr) {
            if (const auto stage = n.host->furthest()) {
                label += "\\n";
                label += label_part(hunt::stage_name(*stage, lang), 40);
            }
            if (hunt::is_emergency(n.host->urgency)) {
                // Shape, border and a word say it, not only the colour.
                label += fr ? "\\n[URGENCE]" : "\\n[EMERGENCY]";
                shape = "octagon";
                style = "filled,bold";
                fill = "#fbd5d5";
                pen = "2.5";
            } else if (n.host->urgency >= hunt::Urgency::kCompromised) {
                fill = "#fde8c8";
                pen = "1.8";
            }
        } else {
            label +=
                fr ? "\\n(source, sans détection propre)" : "\\n(source, no detection of its own)";
            style = "rounded,dashed";
        }
        set(v, "label", label);
        set(v, "shape", shape);
        set(v, "style", style);
        set(v, "fillcolor", fill);
        set(v, "penwidth", pen);
        set(v, "fontname", "sans-serif");
        set(v, "fontsize", "11");
        drawn.push_back(v);
    }
    // Invisible links from each column to the next keep the columns in time order.
    for (std::size_t c = 0; c + 1 < columns.size(); ++c) {
        Agedge_t* link =
            agedge(g, drawn[columns[c].front()], drawn[columns[c + 1].front()], nullptr, 1);
        set(link, "style", "invis");
    }

    for (const auto& [ends, a] : arrows) {
        const auto [from, to] = ends;
        Agedge_t* edge = agedge(g, drawn[from], drawn[to], nullptr, 1);
        std::string label = a.accounts.empty() ? std::string(fr ? "(compte ?)" : "(account ?)")
                                               : names_label(a.accounts, 2, 32);
        label += "\\n" + names_label(a.methods, 1, 36);
        label += "\\n" + label_part(both_zones_text(a.first), 40);
        if (a.detections > 1) label += fmt::format(" (x{})", a.detections);
        set(edge, "label", label);
        set(edge, "fontname", "sans-serif");
        set(edge, "fontsize", "9");
        if (column[to] < column[from]) set(edge, "constraint", "false");
    }

    if (gvLayout(session.gvc(), g, "dot") != 0) {
        return core::fail(core::ErrorCode::kUnsupported, "Graphviz could not lay out the graph");
    }
    session.laid_out();
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(session.gvc(), g, "svg", &data, &length) != 0 || data == nullptr) {
        return core::fail(core::ErrorCode::kUnsupported, "Graphviz could not render SVG");
    }
    std::string svg(data, length);
    gvFreeRenderData(data);

    // Only the <svg> element goes into the page (no XML prolog, DOCTYPE or comments).
    const std::size_t start = svg.find("<svg");
    if (start == std::string::npos) {
        return core::fail(core::ErrorCode::kCorrupt, "Graphviz gave no <svg> element");
    }
    svg.erase(0, start);
    for (std::size_t c = svg.find("<!--"); c != std::string::npos; c = svg.find("<!--", c)) {
        const std::size_t end = svg.find("-->", c);
        svg.erase(c, end == std::string::npos ? std::string::npos : end + 3 - c);
    }
    // Defence in depth: the labels were sanitised and Graphviz escapes them; if anything
    // active still shows up, the drawing is refused rather than trusted.
    std::string low = svg;
    std::transform(low.begin(), low.end(), low.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* bad : {"<script", "<foreignobject", "javascript:", "href="}) {
        if (low.find(bad) != std::string::npos) {
            return core::fail(core::ErrorCode::kCorrupt,
                              fmt::format("the graph's SVG holds '{}': not shown", bad));
        }
    }
    if (has_event_attribute(low)) {
        return core::fail(core::ErrorCode::kCorrupt, "the graph's SVG holds an event handler");
    }
    return svg;
}

}  // namespace vigie::report
