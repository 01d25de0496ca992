// evtx/xml_render.hpp - an event as one line of XML, as Event Viewer would save it.
#pragma once

#include <string>

#include "core/event.hpp"

namespace vigie::evtx {

/// Appends `event` as XML without line breaks. Null attributes are left out; text is escaped
/// (&, <, > and in attributes also ") and CDATA sections are kept as CDATA.
void render_xml(const core::Event& event, std::string& out);

}  // namespace vigie::evtx
