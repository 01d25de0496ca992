// The ransomware path of each host: seven rungs, each with an icon, its name, whether it was
// reached (in words and with a mark, never by colour alone), first and last time, the count
// and the first rules behind it.
#include <fmt/format.h>

#include "report/page_sections.hpp"

namespace vigie::report {

void write_host_ladders(PageWriter& page, const PageContext& context) {
    const hunt::HostPicture& picture = *context.input.picture;
    page.raw("<section id=\"paths\" aria-labelledby=\"paths-title\">\n<h2 id=\"paths-title\">");
    page.both("The ransomware path, host by host",
              "Le chemin vers le rançongiciel, machine par "
              "machine");
    page.raw("</h2>\n<p class=\"hint\">");
    page.both(
        "Initial access, execution, credential access, discovery, lateral movement, "
        "inhibit recovery, impact: the further down, the closer the encryption.",
        "Accès initial, exécution, vol d'identifiants, reconnaissance, déplacement latéral, "
        "sabotage de la restauration, impact : plus c'est bas, plus le chiffrement est "
        "proche.");
    page.raw("</p>\n");
    std::size_t rank = 0;
    for (const hunt::HostReport& h : picture.hosts) {
        ++rank;
        const auto furthest = h.furthest();
        const int stage = furthest ? static_cast<int>(*furthest) : -1;
        page.raw("<article class=\"host ").raw(urgency_class(h.urgency));
        page.raw("\" id=\"host-").raw(std::to_string(rank)).raw("\" data-host=\"");
        page.text(visible_text(h.host, 200)).raw("\" data-stage=\"").raw(std::to_string(stage));
        page.raw("\">\n<h3><span class=\"host-name\">").log(h.host, 120).raw("</span>");
        write_roles(page, context, h.host);
        page.raw(" <small>");
        write_urgency(page, h.urgency);
        page.raw("</small></h3>\n<p class=\"meta\">");
        page.both(fmt::format("{} detections, score {}, from ", h.detections, h.score),
                  fmt::format("{} détections, score {}, du ", h.detections, h.score));
        write_time(page, h.first);
        page.both(" to ", " au ");
        write_time(page, h.last);
        if (h.emergency_since != 0) {
            page.raw(". <strong>").both("Emergency since ", "En urgence depuis ");
            write_time(page, h.emergency_since);
            page.raw("</strong>");
        }
        page.raw("</p>\n<ol class=\"ladder\">\n");
        for (std::size_t s = 0; s < hunt::kStageCount; ++s) {
            const hunt::StageSeen& seen = h.stages[s];
            page.raw("<li class=\"rung ").raw(stage_class(static_cast<int>(s)));
            page.raw(seen.reached ? " reached" : " not-reached").raw("\">");
            write_stage_icon(page, static_cast<int>(s));
            page.raw("<span class=\"rung-name\">");
            write_stage_name(page, static_cast<hunt::Stage>(s));
            page.raw("</span><span class=\"rung-status\">");
            if (seen.reached) {
                page.raw(
                    "<svg class=\"mark\" width=\"14\" height=\"14\" aria-hidden=\"true\">"
                    "<use href=\"#yes\"/></svg> ");
                page.both("reached", "atteinte");
                page.raw("</span><span class=\"rung-time\">");
                write_time(page, seen.first);
                if (seen.last != seen.first) {
                    page.raw(" &rarr; ");
                    write_time(page, seen.last);
                }
                page.raw("</span><span class=\"rung-rules\">");
                page.both(fmt::format("{} detection(s): ", seen.detections),
                          fmt::format("{} détection(s) : ", seen.detections));
                for (std::size_t r = 0; r < seen.rules.size(); ++r) {
                    if (r > 0) page.raw("; ");
                    page.log(seen.rules[r], 120);
                }
            } else {
                page.raw(
                    "<svg class=\"mark\" width=\"14\" height=\"14\" aria-hidden=\"true\">"
                    "<use href=\"#no\"/></svg> ");
                page.both("not seen", "non vue");
            }
            page.raw("</span></li>\n");
        }
        page.raw("</ol>\n");
        if (!h.accounts.empty()) {
            page.raw("<p class=\"meta\">").both("Accounts: ", "Comptes : ");
            for (std::size_t a = 0; a < h.accounts.size(); ++a) {
                if (a > 0) page.raw(", ");
                page.log(h.accounts[a], 80);
            }
            page.raw("</p>\n");
        }
        page.raw("</article>\n");
    }
    page.raw("</section>\n");
}

}  // namespace vigie::report
