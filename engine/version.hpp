// The program's version: one number, set by `project(VERSION …)` in the top CMakeLists.txt and
// compiled into engine/version.cpp alone. `decree --version`, the Debian package and the JSON
// documents' `generator` field all say it.
#pragma once

namespace decree::engine {

// "0.1.0"
const char* version();

// "decree 0.1.0": what made a JSON document (its `generator` field).
const char* generator();

}  // namespace decree::engine
