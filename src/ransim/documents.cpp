// Office documents, PDF, CSV and text files of the corpus.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>

#include "ransim/compression.hpp"
#include "ransim/formats.hpp"

namespace vigie::ransim {
namespace {

constexpr std::string_view kXmlDeclaration =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
constexpr std::string_view kRelationshipsNs =
    "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr std::string_view kOfficeRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string core_properties(const DocumentContext& context, std::string_view author) {
    return fmt::format(
        "{}<cp:coreProperties "
        "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title>"
        "<dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy>"
        "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{}T08:00:00Z</dcterms:created>"
        "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}T17:30:00Z</dcterms:modified>"
        "</cp:coreProperties>",
        kXmlDeclaration, context.title, author, author, context.date.iso(), context.date.iso());
}

std::string app_properties(std::string_view application) {
    return fmt::format(
        "{}<Properties "
        "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
        "<Application>{}</Application><DocSecurity>0</DocSecurity><Company>Centre Hospitalier"
        "</Company><AppVersion>16.0000</AppVersion></Properties>",
        kXmlDeclaration, application);
}

std::string package_relationships(std::string_view main_part) {
    return fmt::format(
        "{}<Relationships xmlns=\"{}\"><Relationship Id=\"rId1\" "
        "Type=\"{}/officeDocument\" Target=\"{}\"/><Relationship Id=\"rId2\" "
        "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
        "core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" "
        "Type=\"{}/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>",
        kXmlDeclaration, kRelationshipsNs, kOfficeRelNs, main_part, kOfficeRelNs);
}

std::string content_types(std::string_view main_part, std::string_view main_type,
                          std::string_view extra_overrides) {
    return fmt::format(
        "{}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/>"
        "<Override PartName=\"/{}\" ContentType=\"{}\"/>{}"
        "<Override PartName=\"/docProps/core.xml\" "
        "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        "<Override PartName=\"/docProps/app.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        "</Types>",
        kXmlDeclaration, main_part, main_type, extra_overrides);
}

void append_word_paragraph(std::string& xml, std::string_view text, bool bold) {
    xml += "<w:p><w:r>";
    if (bold) xml += "<w:rPr><w:b/></w:rPr>";
    xml += "<w:t xml:space=\"preserve\">";
    xml += text;
    xml += "</w:t></w:r></w:p>";
}

constexpr std::string_view kInlinePicture =
    "<w:p><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
    "<wp:extent cx=\"5486400\" cy=\"4114800\"/><wp:docPr id=\"1\" name=\"Image 1\"/>"
    "<a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
    "<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
    "<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
    "<pic:nvPicPr><pic:cNvPr id=\"0\" name=\"image1.jpeg\"/><pic:cNvPicPr/></pic:nvPicPr>"
    "<pic:blipFill><a:blip r:embed=\"rId10\"/><a:stretch><a:fillRect/></a:stretch>"
    "</pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
    "<a:ext cx=\"5486400\" cy=\"4114800\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/>"
    "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    "</w:r></w:p>";

std::string pdf_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '(' || c == ')' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// Wraps `text` into lines of at most `width` characters.
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        std::size_t cut = std::min(width, text.size());
        if (cut < text.size()) {
            const std::size_t space = text.rfind(' ', cut);
            if (space != std::string_view::npos && space > 0) cut = space;
        }
        lines.emplace_back(text.substr(0, cut));
        text.remove_prefix(std::min(text.size(), cut + 1));
    }
    return lines;
}

std::string column_name(std::size_t column) {
    std::string name;
    ++column;
    while (column > 0) {
        name.insert(name.begin(), static_cast<char>('A' + (column - 1) % 26));
        column = (column - 1) / 26;
    }
    return name;
}

}  // namespace

Bytes make_docx(Random& random, const DocumentContext& context, std::uint64_t size) {
    // Reports are text, which deflate brings down about 8:1; bigger documents carry a picture
    // (a scan, a photograph) stored as it is.
    const std::uint64_t text_bytes = std::min<std::uint64_t>(size * 6, 320'000);
    const std::uint64_t picture_bytes =
        size > text_bytes / 8 + 24'000 ? size - text_bytes / 8 - 4'000 : 0;

    std::string xml(kXmlDeclaration);
    xml += fmt::format(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
        "xmlns:r=\"{}\" "
        "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">"
        "<w:body>",
        kOfficeRelNs);
    append_word_paragraph(xml, context.title, true);
    append_word_paragraph(xml,
                          fmt::format("Patient : {} {} - IPP {}", context.patient.last,
                                      context.patient.first, context.patient_id),
                          false);
    append_word_paragraph(
        xml, fmt::format("Service : {} - le {}", context.service, context.date.french()), false);
    if (picture_bytes > 0) xml += kInlinePicture;
    std::string paragraph;
    while (xml.size() < text_bytes) {
        paragraph.clear();
        append_paragraph(random, paragraph, static_cast<int>(random.between(2, 6)));
        append_word_paragraph(xml, paragraph, false);
    }
    xml += "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>";

    ZipWriter zip;
    zip.add("[Content_Types].xml",
            content_types("word/document.xml",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml."
                          "document.main+xml",
                          ""));
    zip.add("_rels/.rels", package_relationships("word/document.xml"));
    zip.add("word/document.xml", xml);
    if (picture_bytes > 0) {
        zip.add("word/_rels/document.xml.rels",
                fmt::format("{}<Relationships xmlns=\"{}\"><Relationship Id=\"rId10\" "
                            "Type=\"{}/image\" Target=\"media/image1.jpeg\"/></Relationships>",
                            kXmlDeclaration, kRelationshipsNs, kOfficeRelNs));
        const JpegImage picture = make_jpeg(random, picture_bytes);
        zip.add("word/media/image1.jpeg", picture.bytes, false);
    }
    const Person author = random_person(random);
    zip.add("docProps/core.xml",
            core_properties(context, fmt::format("{} {}", author.first, author.last)));
    zip.add("docProps/app.xml", app_properties("Microsoft Office Word"));
    return zip.finish();
}

Bytes make_xlsx(Random& random, const DocumentContext& context, std::uint64_t size) {
    // Sheet XML deflates about 6:1.
    const std::uint64_t xml_bytes = std::min<std::uint64_t>(size * 6, 8'000'000);
    constexpr std::array<std::string_view, 7> kHeader = {
        "Date", "Service", "Libelle", "Quantite", "Prix unitaire", "Montant", "Agent"};
    std::string xml(kXmlDeclaration);
    xml +=
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<sheetData>";
    auto out = std::back_inserter(xml);
    xml += "<row r=\"1\">";
    for (std::size_t c = 0; c < kHeader.size(); ++c) {
        fmt::format_to(out, "<c r=\"{}1\" t=\"inlineStr\"><is><t>{}</t></is></c>", column_name(c),
                       kHeader[c]);
    }
    xml += "</row>";
    for (std::uint64_t row = 2; xml.size() < xml_bytes; ++row) {
        const Date date = random_date(random, context.date.year);
        const Person agent = random_person(random);
        const auto quantity = random.between(1, 400);
        const auto cents = random.between(50, 250'000);
        fmt::format_to(
            out,
            "<row r=\"{0}\"><c r=\"A{0}\" t=\"inlineStr\"><is><t>{1}</t></is></c>"
            "<c r=\"B{0}\" t=\"inlineStr\"><is><t>{2}</t></is></c>"
            "<c r=\"C{0}\" t=\"inlineStr\"><is><t>{3}</t></is></c><c r=\"D{0}\"><v>{4}</v></c>"
            "<c r=\"E{0}\"><v>{5}.{6:02}</v></c><c r=\"F{0}\"><f>D{0}*E{0}</f></c>"
            "<c r=\"G{0}\" t=\"inlineStr\"><is><t>{7} {8}</t></is></c></row>",
            row, date.french(), random_service(random),
            random.chance(0.5) ? random_drug(random) : random_exam(random), quantity, cents / 100,
            cents % 100, agent.first, agent.last);
    }
    xml += "</sheetData></worksheet>";

    ZipWriter zip;
    zip.add("[Content_Types].xml",
            content_types("xl/workbook.xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet."
                          "main+xml",
                          "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
                          "ContentType=\"application/vnd.openxmlformats-officedocument."
                          "spreadsheetml.worksheet+xml\"/>"));
    zip.add("_rels/.rels", package_relationships("xl/workbook.xml"));
    zip.add("xl/workbook.xml",
            fmt::format("{}<workbook "
                        "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                        "xmlns:r=\"{}\"><sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/>"
                        "</sheets></workbook>",
                        kXmlDeclaration, kOfficeRelNs, context.service));
    zip.add("xl/_rels/workbook.xml.rels",
            fmt::format("{}<Relationships xmlns=\"{}\"><Relationship Id=\"rId1\" "
                        "Type=\"{}/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                        "</Relationships>",
                        kXmlDeclaration, kRelationshipsNs, kOfficeRelNs));
    zip.add("xl/worksheets/sheet1.xml", xml);
    const Person author = random_person(random);
    zip.add("docProps/core.xml",
            core_properties(context, fmt::format("{} {}", author.first, author.last)));
    zip.add("docProps/app.xml", app_properties("Microsoft Excel"));
    return zip.finish();
}

Bytes make_pdf(Random& random, const DocumentContext& context, std::uint64_t size) {
    // Text pages (a compressed content stream each); most reports also carry scanned pages
    // (JPEG images), which make up the size.
    const auto pages =
        static_cast<unsigned>(std::min<std::uint64_t>(1 + random.below(1 + size / 48'000), 16));
    const std::uint64_t text_cost = 2'000ULL * pages + 1'500;
    const std::uint64_t image_total = size > text_cost + 8'000 ? size - text_cost : 0;

    Bytes out;
    const auto put = [&out](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
    std::vector<std::size_t> offsets(1, 0);  // object 0 is the free head of the xref table
    const auto begin_object = [&](std::size_t number) {
        if (offsets.size() <= number) offsets.resize(number + 1, 0);
        offsets[number] = out.size();
        put(fmt::format("{} 0 obj\n", number));
    };
    put("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");

    // Objects: 1 catalog, 2 pages, 3 font, 4 info, then per page: page, content, image.
    const std::size_t first_page = 5;
    std::string kids;
    for (unsigned p = 0; p < pages; ++p) kids += fmt::format("{} 0 R ", first_page + 3 * p);
    begin_object(1);
    put("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    begin_object(2);
    put(fmt::format("<< /Type /Pages /Kids [{}] /Count {} >>\nendobj\n", kids, pages));
    begin_object(3);
    put("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\n"
        "endobj\n");
    begin_object(4);
    put(
        fmt::format("<< /Title ({}) /Producer (Microsoft Word - Centre Hospitalier) "
                    "/CreationDate (D:{}093000) >>\nendobj\n",
                    pdf_escape(context.title), context.date.compact()));

    for (unsigned p = 0; p < pages; ++p) {
        const std::size_t page = first_page + 3 * p;
        const bool scanned = image_total > 0;
        std::string text = "BT /F1 10 Tf 56 790 Td 13 TL\n";
        if (p == 0) {
            text += fmt::format("({}) Tj T*\n", pdf_escape(context.title));
            text += fmt::format("(Patient : {} {} - IPP {} - {}) Tj T*\n", context.patient.last,
                                context.patient.first, context.patient_id, context.date.french());
        }
        std::string paragraph;
        append_paragraph(random, paragraph, scanned ? 4 : static_cast<int>(random.between(14, 22)));
        for (const std::string& line : wrap(paragraph, 92)) {
            text += fmt::format("({}) Tj T*\n", pdf_escape(line));
        }
        text += "ET\n";
        if (scanned) text += "q 480 0 0 300 56 120 cm /Im1 Do Q\n";
        const Bytes content = deflate(text, Wrapping::kZlib);

        begin_object(page);
        put(fmt::format(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
            "/Font << /F1 3 0 R >>{} >> /Contents {} 0 R >>\nendobj\n",
            scanned ? fmt::format(" /XObject << /Im1 {} 0 R >>", page + 2) : "", page + 1));
        begin_object(page + 1);
        put(fmt::format("<< /Length {} /Filter /FlateDecode >>\nstream\n", content.size()));
        out.insert(out.end(), content.begin(), content.end());
        put("\nendstream\nendobj\n");
        if (scanned) {
            const JpegImage image = make_jpeg(random, image_total / pages);
            begin_object(page + 2);
            put(
                fmt::format("<< /Type /XObject /Subtype /Image /Width {} /Height {} "
                            "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
                            "/Length {} >>\nstream\n",
                            image.width, image.height, image.bytes.size()));
            out.insert(out.end(), image.bytes.begin(), image.bytes.end());
            put("\nendstream\nendobj\n");
        }
    }

    const std::size_t xref = out.size();
    put(fmt::format("xref\n0 {}\n0000000000 65535 f \n", offsets.size()));
    for (std::size_t i = 1; i < offsets.size(); ++i) {
        // Unused numbers (pages without an image) are free entries.
        put(offsets[i] != 0 ? fmt::format("{:010} 00000 n \n", offsets[i])
                            : std::string("0000000000 65535 f \n"));
    }
    put(fmt::format("trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{}\n%%EOF\n",
                    offsets.size(), xref));
    return out;
}

Bytes make_csv(Random& random, const DocumentContext& context, std::uint64_t size) {
    std::string text;
    text.reserve(size + 256);
    auto out = std::back_inserter(text);
    const std::uint64_t layout = random.below(3);
    if (layout == 0) {
        text += "IPP;Nom;Prenom;Date prelevement;Analyse;Resultat;Unite;Service\r\n";
    } else if (layout == 1) {
        text += "Date;Compte;Libelle;Debit;Credit;Service;Piece\r\n";
    } else {
        text += "Date;Produit;Mouvement;Quantite;Stock;Unite fonctionnelle;Agent\r\n";
    }
    while (text.size() < size) {
        const Date date = random_date(random, context.date.year);
        const Person person = random_person(random);
        if (layout == 0) {
            fmt::format_to(out, "{};{};{};{};{};{}.{};{};{}\r\n", patient_number(random),
                           person.last, person.first, date.french(), random_exam(random),
                           random.below(300), random.below(10),
                           random.chance(0.5) ? "g/L" : "mmol/L", random_service(random));
        } else if (layout == 1) {
            fmt::format_to(out, "{};{};{} {};{},{:02};0,00;{};FAC{}\r\n", date.french(),
                           random.between(401000, 699999), random_exam(random), person.last,
                           random.below(20000), random.below(100), random_service(random),
                           random.between(10000, 99999));
        } else {
            fmt::format_to(out, "{};{};{};{};{};{};{} {}\r\n", date.french(), random_drug(random),
                           random.chance(0.7) ? "sortie" : "entree", random.between(1, 60),
                           random.between(0, 2000), random_service(random), person.first,
                           person.last);
        }
    }
    return Bytes(text.begin(), text.end());
}

Bytes make_txt(Random& random, const DocumentContext& context, std::uint64_t size) {
    std::string text;
    text.reserve(size + 512);
    if (random.chance(0.5)) {
        // An instrument or backup log.
        auto out = std::back_inserter(text);
        constexpr std::array<std::string_view, 6> kEvents = {
            "echantillon analyse",    "calibration OK",
            "sauvegarde terminee",    "connexion au serveur de resultats",
            "transfert HPRIM envoye", "controle qualite"};
        for (std::uint64_t i = 0; text.size() < size; ++i) {
            fmt::format_to(out, "{} {:02}:{:02}:{:02} {} {} {}\r\n", context.date.iso(),
                           (i / 3600) % 24, (i / 60) % 60, i % 60,
                           random.chance(0.9) ? "INFO" : "WARN", random.pick(std::span(kEvents)),
                           patient_number(random));
        }
    } else {
        text += context.title + "\r\n\r\n";
        while (text.size() < size) {
            append_paragraph(random, text, static_cast<int>(random.between(3, 7)));
            text += "\r\n\r\n";
        }
    }
    return Bytes(text.begin(), text.end());
}

}  // namespace vigie::ransim
