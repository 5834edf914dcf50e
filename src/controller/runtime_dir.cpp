#include "controller/runtime_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/sha256.hpp"

namespace controller {

namespace {

std::string reason() { return std::strerror(errno); }

core::Result<int> openDirectory(const std::string& path, const std::string& field) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP || errno == ENOTDIR)
      return core::invalid(field, path + " is not a directory (a symbolic link is not followed)");
    return core::invalid(field, "cannot open " + path + ": " + reason());
  }
  return fd;
}

// Writes all of `content` to a file created new under `dir`; false (errno set) when the name is
// taken or the write fails, and then nothing is left behind.
bool createExclusive(int dir, const std::string& name, const std::string& content) {
  const int fd = ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      ::unlinkat(dir, name.c_str(), 0);
      errno = saved;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlinkat(dir, name.c_str(), 0);
    errno = saved;
    return false;
  }
  return true;
}

}  // namespace

core::Result<std::shared_ptr<RuntimeDir>> RuntimeDir::makePrivate() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp ? tmp : "/tmp";
  std::vector<char> templ(base.begin(), base.end());
  const std::string leaf = "/schema-operator-XXXXXX";
  templ.insert(templ.end(), leaf.begin(), leaf.end());
  templ.push_back('\0');
  // mkdtemp makes the directory 0700 with a name nobody could have guessed in advance.
  if (!::mkdtemp(templ.data()))
    return core::terminal("cannot make a private runtime directory under " + base + ": " + reason());
  const std::string path = templ.data();
  auto fd = openDirectory(path, "--runtime-dir");
  if (!fd) {
    ::rmdir(path.c_str());
    return fd.error();
  }
  return std::shared_ptr<RuntimeDir>(new RuntimeDir(*fd, path, true));
}

core::Result<std::shared_ptr<RuntimeDir>> RuntimeDir::use(const std::string& path) {
  if (path.empty()) return core::invalid("--runtime-dir", "must name a directory");
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
      return core::invalid("--runtime-dir", "cannot create " + path + ": " + reason());
  }
  auto fd = openDirectory(path, "--runtime-dir");
  if (!fd) return fd.error();
  // The owner of a directory can replace any file in it after it was written: another user's
  // (the old default, /tmp/schema-operator, was anyone's to make first) could swap the CA.
  // root's is allowed: a Kubernetes emptyDir belongs to root.
  struct stat st {};
  if (::fstat(*fd, &st) != 0 || (st.st_uid != ::geteuid() && st.st_uid != 0)) {
    ::close(*fd);
    return core::invalid("--runtime-dir", path + " belongs to another user");
  }
  return std::shared_ptr<RuntimeDir>(new RuntimeDir(*fd, path, false));
}

RuntimeDir::~RuntimeDir() {
  for (const auto& [hash, name] : written_) ::unlinkat(fd_, name.c_str(), 0);
  ::close(fd_);
  if (owned_) ::rmdir(path_.c_str());
}

core::Result<std::string> RuntimeDir::fileWith(const std::string& stem, const std::string& content,
                                               const std::string& suffix) {
  const std::string hash = core::sha256Hex(content).substr(0, 16);
  std::lock_guard lock(mutex_);
  if (auto it = written_.find(hash); it != written_.end()) return path_ + "/" + it->second;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name =
        stem + "-" + hash + (attempt == 0 ? std::string() : "-" + std::to_string(attempt)) + suffix;
    if (createExclusive(fd_, name, content)) {
      written_[hash] = name;
      return path_ + "/" + name;
    }
    if (errno != EEXIST) return core::terminal("cannot write " + name + " in " + path_ + ": " + reason());
  }
  return core::terminal("cannot write " + stem + "-" + hash + suffix + " in " + path_ +
                        ": the name and 99 others are taken by files this process did not write");
}

}  // namespace controller
