#!/usr/bin/env bash
# tests/data/make-fixtures.sh — make the roster fixtures that a real
# spreadsheet program wrote, so the import tests read what users upload
# rather than what our own exporter writes.
#
# Run once by hand, from anywhere, and commit the results:
#
#   tests/data/make-fixtures.sh
#
# It needs LibreOffice Calc (Debian: apt-get install libreoffice-calc-nogui).
# That is a tool for whoever regenerates the fixtures; building and testing
# dangxiao never need it, so it is not in scripts/deps.sh.
#
# It writes, next to itself:
#   roster-text-ids.xlsx     the roster with 身份证号 and 手机号 formatted as
#                            文本 (text cells), as a careful user does
#   roster-numeric-ids.xlsx  the same rows typed into unformatted columns:
#                            Calc makes the 18-digit IDs numbers
#                            (3.71723197803291E+017) and loses digits 16-18
#   roster-calc-gbk.csv      roster-text-ids.xlsx saved by Calc as "Text CSV"
#                            in Chinese Simplified (Windows-936), i.e. GBK
#
# The rows: ten people of 成武县 (ID prefix 371723), born on the 29th, 30th
# or 31st of a month, which the demo generator (src/domain/demo.c) never
# draws, so they cannot collide with the demo seed's people. 赵堃's number
# ends in X; 堃 is in GBK but not in GB2312. Villages are given by their
# 12-digit codes, which the template accepts, because the demo's village
# names depend on its seed.
set -eu

HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

die() { echo "make-fixtures.sh: $*" >&2; exit 1; }

command -v soffice >/dev/null ||
	die "needs LibreOffice Calc (apt-get install libreoffice-calc-nogui)"

WORK=$(mktemp -d /tmp/dx-fixtures.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The template's headers (README "Importing a roster"), then the rows.
# The input is UTF-8; the column types come from the filter options below,
# not from the file. Calc names the sheet after the file: 花名册.
mkdir "$WORK/in"
cat >"$WORK/in/花名册.csv" <<'EOF'
姓名,身份证号,手机号,政治面貌,所属镇街,所属村(社区),人员类别
欧阳晓燕,371723197803290486,13953012468,正式党员,文亭街道,371723001001,社区党员
张建军,371723196510310135,15864307721,正式党员,大田集镇,371723003002,农村党员
李秀梅,371723198205302242,18754019936,预备党员,天宫庙镇,,农村党员
王志刚,371723199007310596,,中共党员,永昌街道,,机关事业单位党员
赵堃,37172319950129013X,17806302215,入党积极分子,汶上集镇,,
刘桂兰,371723195812310646,13053087745,正式党员,南鲁集镇,,农村党员
陈昊天,371723200108300317,19953088410,群众,伯乐集镇,,
孙丽娟,371723198709301286,,正式党员,苟村集镇,,流动党员
周德胜,371723197004303156,15106357729,正式党员,白浮图镇,371723009001,企业党员
郭雪芹,371723199911290861,18366014452,预备党员,九女集镇,,农村党员
EOF

# soffice IN-FILTER OUT-DIR CONVERT-TO: one headless conversion with a
# private profile (no ~/.config/libreoffice, no clash with a running Calc).
convert() {
	soffice -env:UserInstallation="file://$WORK/profile" --headless \
		--infilter="$1" --convert-to "$3" --outdir "$2" \
		"$WORK/in/花名册.csv" >/dev/null ||
		die "soffice --convert-to $3 failed"
}

# The CSV filter's options, comma-separated tokens by position
# (LibreOffice help, "CSV Filter Options"):
#   1  field separator, as ASCII codes:     44 = ','
#   2  text delimiter, as an ASCII code:    34 = '"'
#   3  character set (rtl_TextEncoding):    76 = UTF-8,
#                                           61 = MS_936, Windows-936 (GBK)
#   4  first line to read:                  1
#   5  column/type pairs, on import only:   1 = Standard (Calc decides:
#      digits become a number), 2 = Text (the cell keeps the characters
#      and gets the "@" 文本 number format)
CSV='Text - txt - csv (StarCalc)'
XLSX='xlsx:Calc MS Excel 2007 XML'

# Text: 身份证号 (column 2) and 手机号 (column 3) as 文本, the rest Standard.
convert "$CSV:44,34,76,1,1/1/2/2/3/2/4/1/5/1/6/1/7/1" "$WORK/text" "$XLSX"
# Numeric: every column Standard, as when nobody formats the columns.
convert "$CSV:44,34,76,1,1/1/2/1/3/1/4/1/5/1/6/1/7/1" "$WORK/numeric" "$XLSX"
# GBK: open the text-ID workbook and save it as CSV in Windows-936, the
# way a user on a Chinese desktop makes "CSV" from it. The export's other
# tokens keep Calc's defaults: quotes only where needed, cell contents as
# shown, no BOM. (Column types are the workbook's own by then.)
soffice -env:UserInstallation="file://$WORK/profile" --headless \
	--convert-to "csv:$CSV:44,34,61" --outdir "$WORK/gbk" \
	"$WORK/text/花名册.xlsx" >/dev/null || die "soffice --convert-to csv failed"

cp "$WORK/text/花名册.xlsx" "$HERE/roster-text-ids.xlsx"
cp "$WORK/numeric/花名册.xlsx" "$HERE/roster-numeric-ids.xlsx"
cp "$WORK/gbk/花名册.csv" "$HERE/roster-calc-gbk.csv"

# Check what Calc wrote: text IDs are shared strings (t="s"), numeric IDs
# are <v> numbers, and the CSV is GBK that iconv can read back.
sheet() { unzip -p "$HERE/$1" xl/worksheets/sheet1.xml; }
sheet roster-text-ids.xlsx | grep -q '<c r="B2" s="[0-9]*" t="s">' ||
	die "roster-text-ids.xlsx: B2 is not a text cell"
sheet roster-numeric-ids.xlsx | grep -q '<c r="B2" s="[0-9]*" t="n"><v>3\.7' ||
	die "roster-numeric-ids.xlsx: B2 is not a number"
iconv -f GBK -t UTF-8 "$HERE/roster-calc-gbk.csv" | grep -q '^赵堃,' ||
	die "roster-calc-gbk.csv: not GBK"
echo "made roster-text-ids.xlsx roster-numeric-ids.xlsx roster-calc-gbk.csv" \
	"with $(soffice --version | head -1)"
