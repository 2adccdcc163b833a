#include "engine/version.hpp"

#ifndef DECREE_VERSION
#error "DECREE_VERSION is set by engine/CMakeLists.txt from project(VERSION ...)"
#endif

namespace decree::engine {

const char* version() { return DECREE_VERSION; }

const char* generator() { return "decree " DECREE_VERSION; }

}  // namespace decree::engine
