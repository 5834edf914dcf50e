#!/usr/bin/env python3
"""The Dockerfile, read (no Docker engine runs here): a build stage on debian:bookworm with the
Makefile's packages, a debian:bookworm-slim runtime with exactly the packages of the libraries the
built binary links, user 65532, and an ENTRYPOINT (operator/docker-entrypoint.sh) that runs the
controller for flags and any command by name; with a built binary, that script is run against it.

    python3 tests/deploy/dockerfile_test.py [PATH_TO_BUILT_schema-operator]
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, read  # noqa: E402

BINARY = None
# In every Debian image, debian:bookworm-slim included (Essential or required by them).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1"}


def stages(text):
    """[(FROM line, [instructions])], continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#")))
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if not line:
            continue
        word = line.split()[0].upper()
        if word == "FROM":
            out.append((line, []))
        else:
            out[-1][1].append((word, line[len(word):].strip()))
    return out


def apt_packages(instructions):
    pkgs = []
    for word, rest in instructions:
        if word != "RUN":
            continue
        for cmd in re.split(r"&&|;", rest):
            words = shlex.split(cmd)
            if "apt-get" in words and "install" in words:
                pkgs += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return pkgs


def makefile_packages():
    m = re.search(r"^PACKAGES\s*:=\s*((?:.*\\\n)*.*)$", read("Makefile"), re.M)
    return set(m.group(1).replace("\\\n", " ").split())


def needed_packages(binary):
    """The Debian packages of the shared libraries the binary links directly (readelf NEEDED)."""
    dyn = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    libs = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn)
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    packages = {}
    for lib in libs:
        path = os.path.realpath(paths[lib])
        owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if owner.returncode != 0:  # /lib is a symlink to /usr/lib on bookworm; dpkg knows one of them
            owner = subprocess.run(["dpkg", "-S", paths[lib]], capture_output=True, text=True, check=True)
        packages[lib] = owner.stdout.split(":")[0].strip()
    return packages


class Dockerfile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stages = stages(read("Dockerfile"))

    def test_two_stages_on_bookworm(self):
        self.assertEqual(len(self.stages), 2)
        self.assertRegex(self.stages[0][0], r"^FROM debian:bookworm AS build$")
        self.assertEqual(self.stages[1][0], "FROM debian:bookworm-slim")

    def test_build_stage_uses_the_makefile_packages(self):
        build = set(apt_packages(self.stages[0][1]))
        self.assertTrue(build)
        self.assertEqual(build - makefile_packages(), set(), "packages the Makefile does not install")
        # What CMakeLists.txt needs to configure and build (find_package / pkg_check_modules).
        for p in ("cmake", "ninja-build", "g++", "pkg-config", "libboost1.81-dev", "libssl-dev", "nlohmann-json3-dev",
                  "libpqxx-dev", "libpq-dev", "prometheus-cpp-dev", "libyaml-dev", "libcli11-dev", "libgtest-dev"):
            self.assertIn(p, build)

    def test_build_stage_builds_the_binary(self):
        runs = " ".join(rest for word, rest in self.stages[0][1] if word == "RUN")
        self.assertRegex(runs, r"cmake -S \. -B /build -G Ninja")
        self.assertIn("ninja -C /build schema-operator", runs)
        copies = [rest for word, rest in self.stages[0][1] if word == "COPY"]
        self.assertIn(". .", copies, "the whole context (less .dockerignore): CMakeLists.txt globs src/ and tests/")

    def test_dockerignore_keeps_build_folders_out(self):
        ignored = {l.strip() for l in read(".dockerignore").splitlines() if l.strip() and not l.startswith("#")}
        for p in (".git", "build*", ".tools"):
            self.assertIn(p, ignored)
        for needed in ("src", "tests", "operator", "CMakeLists.txt"):
            self.assertNotIn(needed, ignored)

    def test_runtime_stage(self):
        inst = self.stages[1][1]
        words = [w for w, _ in inst]
        self.assertIn(("USER", "65532:65532"), inst)
        self.assertEqual(inst[-1], ("ENTRYPOINT", '["/usr/local/bin/docker-entrypoint.sh"]'))
        self.assertLess(words.index("USER"), words.index("ENTRYPOINT"))
        self.assertIn(("COPY", "--from=build /build/schema-operator /usr/local/bin/schema-operator"), inst)
        # The entry point finds the program beside itself, so both go to /usr/local/bin.
        self.assertIn(("COPY", "--from=build /src/operator/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh"),
                      inst)
        self.assertIn(("RUN", '["/usr/local/bin/docker-entrypoint.sh", "version"]'), inst)
        runtime = apt_packages(inst)
        self.assertFalse([p for p in runtime if p.endswith("-dev")], "no -dev package at run time")
        self.assertIn("--no-install-recommends", " ".join(rest for w, rest in inst if w == "RUN"))

    def test_runtime_packages_are_the_linked_libraries(self):
        if BINARY is None:
            self.skipTest("no binary given")
        needed = needed_packages(BINARY)
        runtime = set(apt_packages(self.stages[1][1]))
        missing = {lib: pkg for lib, pkg in needed.items() if pkg not in runtime | BASE_IMAGE_PACKAGES}
        self.assertEqual(missing, {}, "libraries the runtime stage does not install")
        unused = runtime - set(needed.values())
        self.assertEqual(unused, set(), "runtime packages the binary does not link")



class EntryPoint(unittest.TestCase):
    """operator/docker-entrypoint.sh laid out as in the image (beside the program), run the way
    `docker run IMAGE ARGS...` runs it."""

    @classmethod
    def setUpClass(cls):
        if BINARY is None:
            raise unittest.SkipTest("no binary given")
        cls.dir = tempfile.mkdtemp(prefix="entrypoint-")
        shutil.copy(os.path.join(ROOT, "operator", "docker-entrypoint.sh"), cls.dir)
        os.symlink(os.path.abspath(BINARY), os.path.join(cls.dir, "schema-operator"))
        cls.entry = os.path.join(cls.dir, "docker-entrypoint.sh")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_both(self, image_args, program_args):
        """(the image's answer to image_args, the program's to program_args)"""
        env = {"PATH": "/usr/bin:/bin", "HOME": self.dir}  # no kubeconfig, no KUBERNETES_SERVICE_HOST
        image = subprocess.run([self.entry] + image_args, capture_output=True, text=True, env=env, timeout=30)
        program = subprocess.run([BINARY] + program_args, capture_output=True, text=True, env=env, timeout=30)
        return image, program

    def assertSame(self, image_args, program_args):
        image, program = self.run_both(image_args, program_args)
        self.assertEqual((image.returncode, image.stdout), (program.returncode, program.stdout), image_args)
        return image

    def test_the_checked_in_script_is_executable(self):
        # COPY keeps the mode git gives it; without x the container cannot start.
        self.assertTrue(os.access(os.path.join(ROOT, "operator", "docker-entrypoint.sh"), os.X_OK))

    def test_a_command_runs_that_command(self):
        self.assertIn("0.", self.assertSame(["version"], ["version"]).stdout)
        self.assertIn("Usage: schema-operator plan", self.assertSame(["plan", "--help"], ["plan", "--help"]).stdout)
        self.assertIn("Usage: schema-operator apply", self.assertSame(["apply", "--help"], ["apply", "--help"]).stdout)

    def test_flags_and_nothing_run_the_controller(self):
        # What a Deployment passes: flags only.
        help_ = self.assertSame(["--leader-elect", "--help"], ["run", "--leader-elect", "--help"])
        self.assertIn("Usage: schema-operator run", help_.stdout)
        image, _ = self.run_both(["--no-such-flag"], [])
        self.assertNotEqual(image.returncode, 0)
        self.assertIn("schema-operator run --help", image.stderr)
        # No arguments: the controller starts, and stops at the missing cluster configuration.
        image, program = self.run_both([], ["run"])
        self.assertEqual(image.returncode, program.returncode)
        self.assertNotEqual(image.returncode, 0)
        self.assertIn("cannot load the Kubernetes configuration", image.stderr)

    def test_help_and_version_are_the_programs_own(self):
        self.assertIn("Subcommands:", self.assertSame(["--help"], ["--help"]).stdout)
        self.assertSame(["--version"], ["--version"])


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
