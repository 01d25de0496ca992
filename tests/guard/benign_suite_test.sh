#!/usr/bin/env bash
# The guard's benign suite is real: builds a tree of 100 documents with make-tree.sh, runs every
# workload of tests/guard/benign/list.txt on its own copy of the tree and checks that it did its
# work (exit status 0 and what the work must have left in the tree), then runs them all one after
# the other on one tree, as a harness does. A missing tool fails the test (scripts/install-deps.sh
# installs them all); only LibreOffice may be absent, and its workload is then skipped, saying so.
set -euo pipefail
export LC_ALL=C TZ=UTC

here=$(cd "$(dirname "$0")" && pwd)
suite=$here/benign
files=100

missing=()
for tool in python3 convert mogrify identify tar zstd 7z gpg gpgconf rsync git sqlite3 md5sum diff cmp \
  find du stat timeout; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "FAIL: missing tools: ${missing[*]} (run scripts/install-deps.sh as root)" >&2
  exit 1
fi
if ! convert -version 2>/dev/null | grep -q ImageMagick; then
  echo "FAIL: convert is not ImageMagick's (run scripts/install-deps.sh as root)" >&2
  exit 1
fi
office=yes
if ! command -v soffice >/dev/null 2>&1; then
  office=no
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-benign.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
base=$tmp/base
passed=0
failed=0
skipped=0
problems=()

bad() { problems+=("$*"); }
magic() { od -An -tx1 -N "$2" "$1" | tr -d ' \n'; }
count_files() { find "$1" -type f | wc -l; }
today=$(date +%Y-%m-%d)

# The tree.
start=$EPOCHREALTIME
bash "$suite/make-tree.sh" "$base" "$files"
made=$(count_files "$base")
if [ "$made" -ne "$files" ]; then
  echo "FAIL: make-tree.sh made $made files instead of $files" >&2
  exit 1
fi
for ext in docx xlsx pdf jpg png csv txt; do
  [ -n "$(find "$base" -name "*.$ext" -print -quit)" ] || { echo "FAIL: make-tree.sh made no .$ext" >&2; exit 1; }
done
python3 - "$base" <<'PY' || { echo "FAIL: make-tree.sh made a broken document" >&2; exit 1; }
import pathlib, sys, zipfile
for p in pathlib.Path(sys.argv[1]).rglob("*"):
    if p.suffix == ".docx":
        assert "word/document.xml" in zipfile.ZipFile(p).namelist(), p
    elif p.suffix == ".xlsx":
        assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(p).namelist(), p
    elif p.suffix == ".pdf":
        data = p.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), p
    elif p.suffix == ".jpg":
        assert p.read_bytes()[:3] == b"\xff\xd8\xff", p
    elif p.suffix == ".png":
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", p
PY
printf 'make-tree: %d files in %.1fs\n' "$made" "$(echo "$EPOCHREALTIME - $start" | bc)"

# Checks, one per workload: T is the tree after the run, base the tree before it.

check_tar-zstd() {
  local archive
  archive=$(find "$T/Archives" -name "backup-$today.tar.zst" -print -quit 2>/dev/null)
  [ -n "$archive" ] || { bad "no Archives/backup-$today.tar.zst"; return; }
  [ "$(magic "$archive" 4)" = 28b52ffd ] || bad "$archive is not zstd"
  mkdir "$tmp/untar"
  zstd -q -dc "$archive" | tar -C "$tmp/untar" -xf - || bad "the archive does not extract"
  diff -r "$base" "$tmp/untar" >/dev/null || bad "the archive's content differs from the tree"
  diff -r "$base" "$T/Restored/backup-$today" >/dev/null || bad "Restored/backup-$today differs from the tree"
  rm -rf "$tmp/untar"
}

check_7z() {
  local plain locked folder
  plain=$(find "$T/Archives" -name "*-$today.7z" -print -quit 2>/dev/null)
  locked=$(find "$T/Archives" -name "*-$today-protected.7z" -print -quit 2>/dev/null)
  if [ -z "$plain" ] || [ -z "$locked" ]; then bad "no .7z archives in Archives/"; return; fi
  for a in "$plain" "$locked"; do
    [ "$(magic "$a" 6)" = 377abcaf271c ] || bad "$a is not a 7z archive"
  done
  folder=$(basename "$plain" "-$today.7z")
  7z x -bd -o"$tmp/un7z" "$plain" >/dev/null || bad "the .7z does not extract"
  diff -r "$base/$folder" "$tmp/un7z/$folder" >/dev/null || bad "the .7z's content differs from $folder"
  if 7z l -bd -p- "$locked" >/dev/null 2>&1; then bad "the protected .7z lists its names without the password"; fi
  7z t -bd -pbenign-suite-passphrase "$locked" >/dev/null || bad "the protected .7z does not open with its password"
  diff -r "$base/$folder" "$T/Restored/7z-$folder/$folder" >/dev/null || bad "Restored/7z-$folder differs"
  rm -rf "$tmp/un7z"
}

check_gpg() {
  local encrypted doc size packed
  mapfile -t encrypted < <(cd "$T" && find . -name '*.gpg' | sort)
  [ ${#encrypted[@]} -eq 2 ] || { bad "${#encrypted[@]} .gpg files instead of 2"; return; }
  doc=${encrypted[0]%.gpg}
  [ "${encrypted[1]}" = "$doc.pass.gpg" ] || bad "unexpected .gpg files: ${encrypted[*]}"
  cmp -s "$T/$doc" "$base/$doc" || bad "$doc changed"
  case "$(magic "$T/$doc.gpg" 1)" in 84 | 85 | 86 | c1) ;; *) bad "$doc.gpg does not start with a public-key session packet" ;; esac
  case "$(magic "$T/$doc.pass.gpg" 1)" in 8c | 8d | 8e | c3) ;; *) bad "$doc.pass.gpg does not start with a passphrase session packet" ;; esac
  for f in "$T/$doc.gpg" "$T/$doc.pass.gpg"; do
    size=$(stat -c %s "$f")
    packed=$(zstd -q -19 -c "$f" | wc -c)
    [ $((packed * 100)) -ge $((size * 95)) ] || bad "$f compresses: it is not encrypted"
  done
  if pgrep -f "$W/gnupg" >/dev/null; then bad "a gpg-agent of the workload is still running"; fi
}

check_rsync() {
  local mirror folder
  mirror=$(find "$T/Mirror" -mindepth 1 -maxdepth 1 -type d -print -quit 2>/dev/null)
  [ -n "$mirror" ] || { bad "no folder in Mirror/"; return; }
  folder=$(basename "$mirror")
  diff -r "$T/$folder" "$mirror" >/dev/null || bad "Mirror/$folder differs from $folder"
  if [ ! -f "$mirror/note-2.txt" ] || [ ! -f "$mirror/note-3.txt" ]; then
    bad "the second and third passes did not reach the mirror"
  fi
  [ "$(count_files "$mirror")" -eq $(($(count_files "$base/$folder") + 2)) ] || bad "Mirror/$folder has the wrong number of files"
  if diff -r "$base/$folder" "$mirror" >/dev/null; then bad "no file of $folder was changed"; fi
}

check_edit-save() {
  local texts by_sed edited
  texts=$(find "$base" -type f \( -name '*.txt' -o -name '*.csv' \) ! -path '*/.*' | wc -l)
  by_sed=$(((texts + 1) / 2))
  [ "$by_sed" -le 20 ] || by_sed=20
  edited=$(find "$T" -type f \( -name '*.txt' -o -name '*.csv' \) -exec head -q -n 1 {} + | grep -c "^Relu le $today\$" || true)
  [ "$edited" -ge "$by_sed" ] || bad "only $edited of $by_sed text files carry sed's edit"
  [ -z "$(find "$T" -name 'sed??????' -o -name '*~' | head -n 1)" ] || bad "temporary or backup files left"
  grep -q "^edit-save: $by_sed files saved by sed -i (temporary file renamed over), [1-9][0-9]* by vim (backupcopy=no), [1-9][0-9]* by perl" "$tmp/out" ||
    bad "not every editor saved files: $(cat "$tmp/out")"
}

check_libreoffice() {
  local docx xlsx out="$T/Converted" n f name changed=0
  docx=$(find "$base" -name '*.docx' -printf '%f\n' | sort -u | wc -l)
  xlsx=$(find "$base" -name '*.xlsx' -printf '%f\n' | sort -u | wc -l)
  [ "$docx" -le 12 ] || docx=12
  [ "$xlsx" -le 8 ] || xlsx=8
  for pair in "odt:$docx" "pdf:$docx" "ods:$xlsx" "csv:$xlsx"; do
    n=$(find "$out" -name "*.${pair%%:*}" 2>/dev/null | wc -l)
    [ "$n" -eq "${pair#*:}" ] || bad "$n .${pair%%:*} in Converted/ instead of ${pair#*:}"
  done
  python3 - "$out" <<'PY' || bad "a converted file is not what its name says"
import pathlib, sys, zipfile
kinds = {".odt": "application/vnd.oasis.opendocument.text",
         ".ods": "application/vnd.oasis.opendocument.spreadsheet"}
for p in pathlib.Path(sys.argv[1]).iterdir():
    data = p.read_bytes()
    if p.suffix in kinds:
        assert zipfile.ZipFile(p).read("mimetype").decode() == kinds[p.suffix], p
        assert "content.xml" in zipfile.ZipFile(p).namelist(), p
    elif p.suffix == ".pdf":
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:], p
    elif p.suffix == ".csv":
        assert data.startswith(b"Date,Service,Libelle,Quantite,Prix unitaire,Total\n"), p
        assert data.count(b"\n") > 10, p
PY
  # The documents saved over themselves: new inode, new content, still a Word document.
  while IFS= read -r -d '' f; do
    name=${f#"$T"/}
    [ "$(stat -c %i "$f")" != "$(stat -c %i "$base/$name")" ] || continue
    cmp -s "$f" "$base/$name" && continue
    python3 -c 'import sys, zipfile; assert "word/document.xml" in zipfile.ZipFile(sys.argv[1]).namelist()' "$f" ||
      bad "$name is no Word document after saving"
    changed=$((changed + 1))
  done < <(find "$T" -path "$T/Converted" -prune -o -name '*.docx' -newer "$tmp/stamp" -print0)
  [ "$changed" -ge 1 ] || bad "no .docx was saved over itself"
  [ "$(find "$T" -name '*.docx' | wc -l)" -eq "$(find "$base" -name '*.docx' | wc -l)" ] || bad "the number of .docx changed"
  [ -z "$(find "$T" \( -name 'lu*.tmp' -o -name '.~lock.*' \) -print -quit)" ] || bad "LibreOffice left temporary files"
}

check_imagemagick() {
  local f rel dims before n_jpg=0 n_png=0 edited_jpg=0 edited_png=0
  # New pictures: conversions beside the originals and resized copies.
  while IFS= read -r -d '' f; do
    rel=${f#"$T"/}
    [ ! -e "$base/$rel" ] || continue
    case "$f" in
      *.jpg) [ "$(magic "$f" 3)" = ffd8ff ] || bad "$rel is not a JPEG" ;;
      *.png) [ "$(magic "$f" 8)" = 89504e470d0a1a0a ] || bad "$rel is not a PNG" ;;
    esac
  done < <(find "$T" -type f \( -name '*.jpg' -o -name '*.png' \) -print0)
  [ "$(find "$T" -name '*-web.jpg' | wc -l)" -ge 1 ] || bad "no resized copy"
  # Originals edited in place (the first 10 of each kind): JPEGs at most 800 pixels, PNGs rotated.
  while IFS= read -r -d '' f; do
    rel=${f#"$base"/}
    case "$f" in
      *.jpg)
        n_jpg=$((n_jpg + 1))
        cmp -s "$f" "$T/$rel" && continue
        edited_jpg=$((edited_jpg + 1))
        [ "$(magic "$T/$rel" 3)" = ffd8ff ] || bad "$rel is not a JPEG after mogrify"
        dims=$(identify -format '%w %h' "$T/$rel")
        if [ "${dims% *}" -gt 800 ] || [ "${dims#* }" -gt 800 ]; then bad "$rel was not resized in place"; fi ;;
      *.png)
        n_png=$((n_png + 1))
        cmp -s "$f" "$T/$rel" && continue
        edited_png=$((edited_png + 1))
        before=$(identify -format '%w %h' "$f")
        dims=$(identify -format '%w %h' "$T/$rel")
        [ "$dims" = "${before#* } ${before% *}" ] || bad "$rel was not rotated ($before -> $dims)" ;;
    esac
  done < <(find "$base" -type f \( -name '*.jpg' -o -name '*.png' \) -print0)
  [ "$edited_jpg" -eq $((n_jpg < 10 ? n_jpg : 10)) ] || bad "$edited_jpg JPEGs edited in place, of $n_jpg"
  [ "$edited_png" -eq $((n_png < 10 ? n_png : 10)) ] || bad "$edited_png PNGs edited in place, of $n_png"
  [ -z "$(find "$T" -name '*~' -print -quit)" ] || bad "mogrify left backup files"
}

check_git() {
  local repo=$T/Projects/intranet
  [ -d "$repo/.git" ] || { bad "no repository at Projects/intranet"; return; }
  local g=(git -C "$repo" -c safe.directory='*')
  [ "$("${g[@]}" rev-list --count HEAD)" -eq 2 ] || bad "main has not 2 commits"
  [ "$("${g[@]}" ls-files | wc -l)" -ge 2000 ] || bad "fewer than 2,000 files tracked"
  [ "$("${g[@]}" diff --name-only HEAD~1 HEAD | wc -l)" -ge 700 ] || bad "the branch changed fewer than 700 files"
  [ -z "$("${g[@]}" status --porcelain)" ] || bad "the work tree is not clean"
  "${g[@]}" fsck --no-progress >/dev/null 2>&1 || bad "git fsck fails"
  [ -n "$(find "$repo/.git/objects/pack" -name '*.pack' -print -quit)" ] || bad "git gc wrote no pack"
}

check_sqlite() {
  local db=$T/Databases/registre.sqlite
  [ -f "$db" ] || { bad "no Databases/registre.sqlite"; return; }
  [ "$(head -c 15 "$db")" = "SQLite format 3" ] || bad "registre.sqlite is not an SQLite database"
  [ "$(sqlite3 -batch "$db" 'PRAGMA integrity_check;')" = ok ] || bad "integrity_check fails"
  [ "$(sqlite3 -batch "$db" 'SELECT count(*) FROM sejour;')" -eq 24240 ] || bad "wrong row count"
  [ "$(sqlite3 -batch "$db" "SELECT count(*) FROM sejour WHERE note LIKE '%revu 4%';")" -gt 0 ] || bad "the WAL updates are missing"
  [ "$(sqlite3 -batch "$db" 'PRAGMA journal_mode;')" = delete ] || bad "not back to rollback-journal mode"
  if [ -e "$db-wal" ] || [ -e "$db-journal" ]; then bad "a journal was left behind"; fi
}

check_reorganise() {
  local hashes_before hashes_after total distinct dated
  hashes_before=$(find "$base" -type f -print0 | xargs -0 md5sum | cut -d' ' -f1 | sort -u)
  hashes_after=$(find "$T" -type f -print0 | xargs -0 md5sum | cut -d' ' -f1 | sort)
  [ "$(printf '%s\n' "$hashes_after" | sort -u)" = "$hashes_before" ] || bad "a document was lost or changed"
  total=$(count_files "$T")
  distinct=$(printf '%s\n' "$hashes_before" | wc -l)
  [ "$total" -eq "$distinct" ] || bad "$total files after, $distinct distinct documents: duplicates left or files lost"
  [ "$distinct" -lt "$files" ] || bad "the tree had no duplicates to delete"
  dated=$(find "$T" -type f -regextype posix-extended -regex '.*/[0-9]{4}-[0-9]{2}-[0-9]{2}_[^/]+' | wc -l)
  [ "$dated" -ge $((distinct * 2 / 5)) ] || bad "only $dated files carry a date prefix"
  [ "$(comm -12 <(cd "$base" && find . -type f | sort) <(cd "$T" && find . -type f | sort) | wc -l)" -le $((files / 10)) ] ||
    bad "most files kept their names and places"
  [ "$(find "$T/Sorted/$today" -mindepth 1 -maxdepth 1 -type d | wc -l)" -ge 5 ] || bad "folders were not moved into Sorted/$today"
  [ -n "$(find "$T/Sorted/$today/PDF" "$T/Sorted/$today/Images" -type f -print -quit)" ] || bad "no file sorted by kind"
}

check_copy-share() {
  [ -z "$(find "$T" -maxdepth 1 -name 'Share-copy-*' -print -quit)" ] || bad "the copy was not deleted"
  diff -r "$base" "$T" >/dev/null || bad "the tree changed"
  [ "$T" -nt "$tmp/stamp" ] || bad "nothing was created in the tree"
  grep -q "^copy-share: $files files " "$tmp/out" || bad "the copy did not hold the $files files"
}

mapfile -t workloads < <(grep -v '^[[:space:]]*\(#\|$\)' "$suite/list.txt")
for w in "${workloads[@]}"; do
  [ -x "$suite/$w.sh" ] || { echo "FAIL: $w is listed but $suite/$w.sh is not there" >&2; exit 1; }
  if [ "$w" = libreoffice ] && [ "$office" = no ]; then
    echo "SKIP libreoffice: soffice is not installed (libreoffice-writer-nogui, libreoffice-calc-nogui)"
    skipped=$((skipped + 1))
    continue
  fi
  T=$tmp/tree-$w
  W=$tmp/work-$w
  cp -a "$base" "$T"
  touch -d '1 second ago' "$tmp/stamp"
  problems=()
  start=$EPOCHREALTIME
  status=0
  bash "$suite/$w.sh" "$T" "$W" >"$tmp/out" 2>"$tmp/err" || status=$?
  took=$(echo "$EPOCHREALTIME - $start" | bc)
  if [ "$status" -ne 0 ]; then
    bad "exit status $status"
  else
    [ ! -s "$tmp/err" ] || bad "wrote to stderr: $(head -c 300 "$tmp/err")"
    [ "$(wc -l <"$tmp/out")" -le 1 ] || bad "printed more than one line"
    "check_$w"
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    printf 'ok   %-12s %5.1fs  %s\n' "$w" "$took" "$(cat "$tmp/out")"
    passed=$((passed + 1))
  else
    printf 'FAIL %-12s %5.1fs\n' "$w" "$took"
    printf '     %s\n' "${problems[@]}"
    sed 's/^/     stderr: /' "$tmp/err" | head -n 20
    failed=$((failed + 1))
  fi
  rm -rf "$T" "$W"
done

# All of them, one after the other, on one tree: each must still work on what the others left.
T=$tmp/tree-all
cp -a "$base" "$T"
start=$EPOCHREALTIME
for w in "${workloads[@]}"; do
  [ "$w" != libreoffice ] || [ "$office" = yes ] || continue
  if ! bash "$suite/$w.sh" "$T" "$tmp/work-all/$w" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL $w, run after the others on one tree:"
    sed 's/^/     /' "$tmp/err" | head -n 20
    failed=$((failed + 1))
  fi
done
printf 'all workloads in sequence on one tree: %.1fs\n' "$(echo "$EPOCHREALTIME - $start" | bc)"

echo "benign suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
