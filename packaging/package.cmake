# The Debian package (CPack's DEB generator): `scripts/package` → decree_<version>_amd64.deb.
# Included from the top CMakeLists.txt after the install rules (packaging/CMakeLists.txt).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME decree)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "the 1956 policy on Soviet Koreans in the DPRK, as rules you can run")
set(CPACK_PACKAGE_DESCRIPTION
    "decree is a rules engine that simulates the February 1956 CPSU Central Committee memorandum on
Soviet Koreans in the DPRK and the telegram it sent to the Soviet ambassador in Pyongyang.
The policies are written in a small language, checked, and run over YAML case files; every
decision comes with a trace leading back to the facts of the case and the source sentence.
The package holds the program, the policies, the historical cases and the counterfactual
scenarios, the documentation, man pages and bash and zsh completion.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # decree_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "decree maintainers <maintainers@decree.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the shared libraries the program actually links (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, man-db")
include(CPack)
