# Writes OUTPUT: the CSS and JS files as NUL-terminated char arrays (hex bytes, so that no
# content can end a string literal early).
function(embed symbol path out_var)
  file(READ ${path} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  set(${out_var} "extern const char ${symbol}[];\nconst char ${symbol}[] = {${bytes}'\\0'};\n" PARENT_SCOPE)
endfunction()
embed(kReportCss ${CSS} css)
embed(kReportJs ${JS} js)
file(WRITE ${OUTPUT} "// Generated from src/report/assets by embed_assets.cmake.\nnamespace vigie::report {\n${css}${js}}  // namespace vigie::report\n")
