# Writes decree.1 and one decree-SUBCOMMAND.1 for each visible subcommand into OUT (gzipped, as
# Debian installs them), with help2man from the program's own --help; the subcommands and their
# one-line descriptions come from `decree completion commands`. Run at build time:
#   cmake -DDECREE=… -DHELP2MAN=… -DVERSION=… -DINCLUDE=decree.h2m -DOUT=dir -P manpages.cmake
foreach(var DECREE HELP2MAN VERSION INCLUDE OUT)
  if(NOT ${var})
    message(FATAL_ERROR "manpages.cmake needs -D${var}=…")
  endif()
endforeach()

execute_process(COMMAND ${DECREE} completion commands OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "`${DECREE} completion commands` failed (${rc})")
endif()
execute_process(COMMAND ${DECREE} --help OUTPUT_VARIABLE root_help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "`${DECREE} --help` failed (${rc})")
endif()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})

# One "NAME<TAB>DESCRIPTION" a line; a ';' in a description must not split the CMake list.
string(REPLACE ";" "<semicolon>" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(names "")
set(descriptions "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^\t]+)\t(.*)$")
    list(APPEND names "${CMAKE_MATCH_1}")
    string(REPLACE "<semicolon>" "\\;" description "${CMAKE_MATCH_2}")
    list(APPEND descriptions "${description}")
  endif()
endforeach()
list(LENGTH names count)
if(count EQUAL 0)
  message(FATAL_ERROR "`${DECREE} completion commands` listed no subcommand")
endif()

# SEE ALSO: the main page lists every subcommand's page; each of those points back to decree(1).
set(see_also "")
foreach(name IN LISTS names)
  string(APPEND see_also ".BR decree-${name} (1),\n")
endforeach()
file(READ ${INCLUDE} root_include)
file(WRITE ${OUT}/decree.h2m "${root_include}\n[SEE ALSO]\n${see_also}.BR man (1)\n")
file(WRITE ${OUT}/subcommand.h2m "[SEE ALSO]\n.BR decree (1)\n")

function(write_page page program version_string name include)
  execute_process(
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1 "--version-string=${version_string}"
            "--name=${name}" "--include=${include}" "--output=${OUT}/${page}.1" "${program}"
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "help2man failed for ${page}: ${err}")
  endif()
  execute_process(COMMAND gzip -9nf ${OUT}/${page}.1 RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed for ${page}.1")
  endif()
endfunction()

# The main page's NAME line: the program's own description ("decree: the 1956 policy …").
string(REGEX MATCH "^[^\n]*" root_line "${root_help}")
string(REGEX REPLACE "^decree: *" "" root_line "${root_line}")
write_page(decree "${DECREE}" "decree ${VERSION}" "${root_line}" ${OUT}/decree.h2m)

set(i 0)
foreach(name IN LISTS names)
  list(GET descriptions ${i} description)
  math(EXPR i "${i} + 1")
  write_page(decree-${name} "${DECREE} ${name}" "decree-${name} ${VERSION}" "${description}" ${OUT}/subcommand.h2m)
endforeach()
file(REMOVE ${OUT}/decree.h2m ${OUT}/subcommand.h2m)
