#pragma once
// Where the daemon writes files for libpq, which reads a CA bundle only from a file. Nothing found
// in the directory is ever trusted: every file is created new by this process (O_CREAT|O_EXCL|
// O_NOFOLLOW, through a descriptor of the directory itself), so a file or symlink planted under
// the name it wants is neither read nor followed, and its files are removed when it goes.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.hpp"

namespace controller {

class RuntimeDir {
 public:
  // A new directory only this process's user can enter: mkdtemp under $TMPDIR (else /tmp), mode
  // 0700, removed with its files when the RuntimeDir goes. The default of `run`.
  static core::Result<std::shared_ptr<RuntimeDir>> makePrivate();
  // The directory --runtime-dir names (created 0700 when missing). A symlink, or a directory of
  // another user than this process's or root, is refused; the
  // directory stays when the RuntimeDir goes, only the files it wrote are removed.
  static core::Result<std::shared_ptr<RuntimeDir>> use(const std::string& path);

  ~RuntimeDir();
  RuntimeDir(const RuntimeDir&) = delete;
  RuntimeDir& operator=(const RuntimeDir&) = delete;

  const std::string& path() const { return path_; }

  // The path of a 0600 file holding `content`, written by this process: the same content gives
  // the same file. Named STEM-<hash>SUFFIX, or STEM-<hash>-N SUFFIX when that name is taken by
  // something this process did not write. Thread-safe.
  core::Result<std::string> fileWith(const std::string& stem, const std::string& content, const std::string& suffix);

 private:
  RuntimeDir(int fd, std::string path, bool owned) : fd_(fd), path_(std::move(path)), owned_(owned) {}

  const int fd_;  // the directory, opened without following a symlink; files are created relative to it
  const std::string path_;
  const bool owned_;  // made by makePrivate: removed at the end
  std::mutex mutex_;
  std::map<std::string, std::string> written_;  // content hash -> file name in the directory
};

}  // namespace controller
