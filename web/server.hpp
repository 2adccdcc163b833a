// `decree serve`: the playground page and its JSON API over HTTP (cpp-httplib), on loopback
// unless told otherwise.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "web/save.hpp"
#include "web/workspace.hpp"

namespace decree::web {

struct ServeOptions {
  std::vector<std::string> roots;  // folders (or files) whose policies, cases and populations are served
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port (printed)
  std::string save_dir;            // "": edited policies are never written under a new name
  std::string read_only;           // "": the page may save a served policy over its file; else why not
  WriteFile write;                 // how a served file is replaced (whole or not at all); none: read-only
  Limits limits;
  int threads = 64;                // a keep-alive connection holds one while it lasts: one per student, and more
};

// Serves until the process is stopped. Prints where the playground is (and, when the host is
// not a loopback address, that it is reachable from the network). Returns the exit status.
int serve(const ServeOptions& options);

}  // namespace decree::web
