#!/usr/bin/env bash
# make-tree.sh TREE N: builds a document tree of about N files in nested folders, the way a
# hospital department's share looks: Word and Excel files (.docx/.xlsx, real Office Open XML),
# PDFs, PNG and JPEG pictures (ImageMagick), CSV and TXT files, and a few duplicates
# ("X - copie.ext"). Deterministic for a given N. Needs python3 and ImageMagick; nothing of vigie.
set -euo pipefail

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ]; then
  echo "usage: make-tree.sh TREE N" >&2
  exit 2
fi
tree=$1
count=$2
for tool in python3 convert identify; do
  command -v "$tool" >/dev/null || { echo "make-tree: $tool is missing" >&2; exit 1; }
done
if ! convert -version 2>/dev/null | grep -q ImageMagick; then
  echo "make-tree: convert is not ImageMagick's" >&2
  exit 1
fi
mkdir -p "$tree"

python3 - "$tree" "$count" <<'PY'
import os
import random
import subprocess
import sys
import zipfile
import zlib

root, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(20191115 + count)
STAMP = (2024, 3, 14, 9, 30, 0)

FOLDERS = [
    "Direction/Comptes-rendus", "Direction/Conseil de surveillance/2023",
    "Direction/Conseil de surveillance/2024", "Finances/Budgets", "Finances/Factures/2024",
    "RH/Plannings", "RH/Formations", "Pharmacie/Commandes", "Pharmacie/Protocoles",
    "Qualite/Procedures", "Qualite/Audits", "Services/Cardiologie/Courriers",
    "Services/Cardiologie/Staff", "Services/Urgences/Gardes", "Services/Pediatrie/Courriers",
    "Imagerie/Exports", "Imagerie/Photos", "Laboratoire/Resultats", "Secretariat/Modeles",
    "Informatique/Inventaire",
]
WORDS = ("patient service consultation rendez-vous compte rendu hospitalisation traitement "
         "bilan examen sortie entree protocole prescription suivi equipe garde planning "
         "infirmier medecin cadre direction budget commande fournisseur dossier analyse "
         "resultat biologie imagerie scanner radiologie cardiologie urgence pediatrie "
         "qualite audit procedure formation reunion decision validation signature").split()
NAMES = ("rapport note courrier synthese planning budget commande protocole procedure "
         "compte-rendu inventaire suivi releve tableau bilan convocation").split()


def sentence():
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def paragraph():
    return " ".join(sentence() for _ in range(rng.randint(3, 7)))


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="{}"/></Relationships>')


def docx(path):
    paras = []
    paras.append('<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>'
                 .format(esc(sentence())))
    for _ in range(rng.randint(6, 40)):
        paras.append('<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>'.format(esc(paragraph())))
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body>' + "".join(paras) + '<w:sectPr/></w:body></w:document>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    write_zip(path, [("[Content_Types].xml", types), ("_rels/.rels", RELS.format("word/document.xml")),
                     ("word/document.xml", body)])


def col(i):
    return "ABCDEFGHIJ"[i]


def xlsx(path):
    rows = []
    header = ["Date", "Service", "Libelle", "Quantite", "Prix unitaire", "Total"]
    cells = "".join('<c r="{}1" t="inlineStr"><is><t>{}</t></is></c>'.format(col(i), h)
                    for i, h in enumerate(header))
    rows.append('<row r="1">{}</row>'.format(cells))
    for r in range(2, rng.randint(60, 600)):
        qty = rng.randint(1, 500)
        price = round(rng.uniform(0.5, 900), 2)
        values = [
            ('t="inlineStr"', "<is><t>2024-{:02d}-{:02d}</t></is>".format(rng.randint(1, 12), rng.randint(1, 28))),
            ('t="inlineStr"', "<is><t>{}</t></is>".format(rng.choice(WORDS))),
            ('t="inlineStr"', "<is><t>{} {}</t></is>".format(rng.choice(WORDS), rng.choice(WORDS))),
            ("", "<v>{}</v>".format(qty)),
            ("", "<v>{}</v>".format(price)),
            ("", "<f>D{0}*E{0}</f><v>{1}</v>".format(r, round(qty * price, 2))),
        ]
        cells = "".join('<c r="{}{}" {}>{}</c>'.format(col(i), r, t, v) for i, (t, v) in enumerate(values))
        rows.append('<row r="{}">{}</row>'.format(r, cells))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData>' + "".join(rows) + '</sheetData></worksheet>')
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    write_zip(path, [("[Content_Types].xml", types), ("_rels/.rels", RELS.format("xl/workbook.xml")),
                     ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", wb_rels),
                     ("xl/worksheets/sheet1.xml", sheet)])


def pdf(path):
    pages = []
    for _ in range(rng.randint(1, 6)):
        lines = ["BT /F1 11 Tf 56 780 Td 14 TL"]
        text = " ".join(paragraph() for _ in range(6))
        for start in range(0, min(len(text), 48 * 90), 90):
            chunk = text[start:start + 90].replace("\\", "").replace("(", "").replace(")", "")
            lines.append("({}) '".format(chunk))
        lines.append("ET")
        pages.append(zlib.compress("\n".join(lines).encode("latin-1")))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for stream in pages:
        content_id = len(objects) + 1
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(len(objects) + 1)
        objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       "/Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>".format(content_id))
    objects[1] = "<< /Type /Pages /Kids [{}] /Count {} >>".format(" ".join("%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        body = body if isinstance(body, bytes) else body.encode("latin-1")
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def csv(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("date;patient;service;acte;montant\n")
        for _ in range(rng.randint(50, 800)):
            f.write("2024-{:02d}-{:02d};P{:06d};{};{};{:.2f}\n".format(
                rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 999999),
                rng.choice(WORDS), rng.choice(WORDS), rng.uniform(10, 2000)))


def txt(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(paragraph() for _ in range(rng.randint(3, 30))) + "\n")


def image(path, ext):
    width, height = rng.choice([(640, 480), (800, 600), (1024, 768), (480, 640)])
    if ext == "jpg":
        args = ["-size", "{}x{}".format(width, height), "-seed", str(rng.randint(1, 10**6)), "plasma:fractal",
                "-blur", "0x1", "-quality", "85"]
    else:
        colours = rng.sample(["white", "lightblue", "navy", "gray90", "orange", "seagreen", "firebrick"], 3)
        args = ["-size", "{}x{}".format(width, height), "gradient:{}-{}".format(colours[0], colours[1]),
                "-fill", colours[2]]
        for _ in range(rng.randint(3, 12)):
            x, y = rng.randint(0, width - 60), rng.randint(0, height - 40)
            args += ["-draw", "rectangle {},{} {},{}".format(x, y, x + rng.randint(20, 200), y + rng.randint(10, 120))]
    subprocess.run(["convert"] + args + [path], check=True)


KINDS = [("docx", 25, docx), ("xlsx", 15, xlsx), ("pdf", 15, pdf), ("jpg", 12, None), ("png", 8, None),
         ("csv", 10, csv), ("txt", 10, txt)]
duplicates = max(1, count // 20) if count >= 10 else 0
plan = []
for ext, share, _ in KINDS:
    plan += [ext] * max(1, count * share // 100)
while len(plan) + duplicates < count:
    plan.append(rng.choice([k[0] for k in KINDS]))
plan = plan[:max(1, count - duplicates)]
rng.shuffle(plan)

makers = {ext: maker for ext, _, maker in KINDS}
made = []
used = set()
for i, ext in enumerate(plan):
    folder = os.path.join(root, rng.choice(FOLDERS))
    os.makedirs(folder, exist_ok=True)
    while True:
        name = "{}_{}_{:03d}.{}".format(rng.choice(NAMES), rng.choice(WORDS), rng.randint(1, 999), ext)
        path = os.path.join(folder, name)
        if path not in used:
            break
    used.add(path)
    if makers[ext] is None:
        image(path, ext)
    else:
        makers[ext](path)
    made.append(path)

for path in rng.sample(made, min(duplicates, len(made))):
    stem, ext = os.path.splitext(path)
    with open(path, "rb") as src, open(stem + " - copie" + ext, "wb") as dst:
        dst.write(src.read())

# Files carry dates spread over a year, as on a real share.
for dirpath, _, files in os.walk(root):
    for name in files:
        when = 1700000000 + rng.randint(0, 365 * 86400)
        os.utime(os.path.join(dirpath, name), (when, when))
PY
