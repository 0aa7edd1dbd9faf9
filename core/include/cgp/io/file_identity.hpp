// cgp/io/file_identity.hpp: outputs that would overwrite an input or another output, found before
// any work starts.
//
// Files are compared by identity (device and inode, following symbolic links), not by spelling:
// `data.csv`, `./data.csv` and a link to it are one file. An output that does not exist yet is
// identified by its folder's identity and its name. An output folder (cgp-sweep --out) is replaced
// whole, so no input or other output may lie inside it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cgp {

// A file named on the command line: the option that named it ("--data") and its path.
struct NamedFile {
    std::string option;
    std::filesystem::path path;
};

// Two options that may name one file: the second writes where the first was read (cgp-run
// --resume run.ckpt --checkpoint run.ckpt continues a checkpoint in place).
struct SharedFile {
    std::string input;
    std::string output;
};

// Throws cgp::Error naming both options and the file when an output file is an input, another
// output, or lies inside an output folder, or when an input lies inside an output folder.
// Entries with an empty path are ignored, and so are outputs that are character devices (written in
// place, never replaced: /dev/null may take every output).
void check_outputs_apart(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs,
                         const std::vector<NamedFile>& output_folders = {},
                         const std::vector<SharedFile>& allowed = {});

} // namespace cgp
