// report/page_writer.hpp - the few ways text enters the report page.
//
// Markup the report writes itself goes through raw(); words for readers through both(), which
// carries English and French side by side (the page shows one, a button switches); anything
// from the logs through log(), which makes it visible (text_escape.hpp) and escapes it. There
// is no other way to add text, so no log string can reach the page unescaped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "report/text_escape.hpp"

namespace vigie::report {

class PageWriter {
  public:
    /// Markup written by the report itself (never text from a log).
    PageWriter& raw(std::string_view markup) {
        out_ += markup;
        return *this;
    }
    /// The same words in English and French; escaped (they may quote log text).
    PageWriter& both(std::string_view en, std::string_view fr) {
        out_ += "<span class=\"l-en\" lang=\"en\">";
        append_html(out_, en);
        out_ += "</span><span class=\"l-fr\" lang=\"fr\">";
        append_html(out_, fr);
        out_ += "</span>";
        return *this;
    }
    /// Text that needs no translation but is not markup (numbers, times, rule titles).
    PageWriter& text(std::string_view plain) {
        append_html(out_, plain);
        return *this;
    }
    /// Text from the logs: made visible, cut at `max_chars` (0: whole), escaped, and isolated
    /// from the surrounding text's direction.
    PageWriter& log(std::string_view text, std::size_t max_chars = 200) {
        out_ += "<bdi>";
        append_log_text(out_, text, max_chars);
        out_ += "</bdi>";
        return *this;
    }
    /// Text from the logs inside SVG (no HTML element there): made visible, cut, escaped; the
    /// stylesheet isolates its direction (unicode-bidi).
    PageWriter& svg_log(std::string_view text, std::size_t max_chars) {
        append_log_text(out_, text, max_chars);
        return *this;
    }
    std::string& str() { return out_; }

  private:
    std::string out_;
};

}  // namespace vigie::report
