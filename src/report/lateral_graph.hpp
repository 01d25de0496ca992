// report/lateral_graph.hpp - where the attacker went: hosts and lateral edges as an SVG drawing.
//
// The graph is laid out by Graphviz (libgvc, `dot`) in-process and drawn as SVG by it. It is
// built through the cgraph API: nodes are named "n0", "n1", ... and every name from the logs
// reaches Graphviz only as a label value (agsafeset), sanitised first (visible_text, bounded,
// backslashes and ampersands escaped so that Graphviz's own escapes and entities cannot act on
// it). No DOT text is ever written, so a host called `a" -> b [label=<...>]` is a label.
//
// Left to right by time of first compromise (a host's first step on the ransomware path, or its
// first outgoing edge for a source known only by address): hosts fill columns in that order,
// a new column starting when a host is linked to one already in the current column; each
// label says the time; an edge going back in time does not constrain the layout. Each edge is
// labelled with the account, the method (rule title) and the time.
#pragma once

#include <string>

#include "core/result.hpp"
#include "hunt/host_picture.hpp"
#include "hunt/host_report.hpp"

namespace vigie::report {

/// The <svg> element (no XML prolog), or an error when Graphviz fails; an empty string when
/// there is no edge to draw.
core::Result<std::string> render_lateral_graph_svg(const hunt::HostPicture& picture,
                                                   hunt::Language lang);

}  // namespace vigie::report
