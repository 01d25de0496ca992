#include "evtx/xml_render.hpp"

namespace vigie::evtx {
namespace {

void append_escaped(std::string& out, std::string_view s, bool attribute) {
    for (char c : s) {
        switch (c) {
            case '&':
                out.append("&amp;");
                break;
            case '<':
                out.append("&lt;");
                break;
            case '>':
                out.append("&gt;");
                break;
            case '"':
                if (attribute) {
                    out.append("&quot;");
                } else {
                    out.push_back(c);
                }
                break;
            case '\r':
                out.append("&#13;");
                break;
            case '\n':
                out.append(attribute ? "&#10;" : "\n");
                break;
            default:
                out.push_back(c);
        }
    }
}

void render_node(const core::Event& event, std::uint32_t index, std::string& out, std::string& text,
                 int depth) {
    if (depth > 256) return;
    const core::Node& n = event.node(index);
    switch (n.kind) {
        case core::NodeKind::kText:
            text.clear();
            n.value.append_text(text);
            append_escaped(out, text, false);
            return;
        case core::NodeKind::kCData:
            out.append("<![CDATA[");
            n.value.append_text(out);
            out.append("]]>");
            return;
        case core::NodeKind::kProcessingInstruction:
            out.append("<?");
            out.append(n.name);
            if (!n.value.is_null()) {
                out.push_back(' ');
                n.value.append_text(out);
            }
            out.append("?>");
            return;
        case core::NodeKind::kElement:
            break;
    }
    out.push_back('<');
    out.append(n.name);
    for (const core::Attribute& a : event.attributes(n)) {
        if (a.value.is_null()) continue;
        out.push_back(' ');
        out.append(a.name);
        out.append("=\"");
        text.clear();
        a.value.append_text(text);
        append_escaped(out, text, true);
        out.push_back('"');
    }
    if (n.first_child == core::Node::kNone) {
        out.append("/>");
        return;
    }
    out.push_back('>');
    for (std::uint32_t c = n.first_child; c != core::Node::kNone; c = event.node(c).next_sibling) {
        render_node(event, c, out, text, depth + 1);
    }
    out.append("</");
    out.append(n.name);
    out.push_back('>');
}

}  // namespace

void render_xml(const core::Event& event, std::string& out) {
    std::string text;
    for (std::uint32_t i = 0; i < event.nodes().size(); ++i) {
        if (event.node(i).parent == core::Node::kNone) render_node(event, i, out, text, 0);
    }
}

}  // namespace vigie::evtx
