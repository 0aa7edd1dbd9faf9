// cgp/optfile/descriptor.hpp: an optimizer file as the plugin contract's descriptor, so the host
// loads it like a plugin (Plugin::load on a path ending in .opt) and every program, check and
// transform works on it unchanged.
//
// The descriptor's functions are plain C functions without a context argument (abi.h); each loaded
// file takes one of kSlots slots, whose functions find the file's program through the slot. The slot
// is freed when the last shared_ptr to the descriptor goes.
#pragma once

#include <cgp/sdk/abi.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace cgp::optfile {

inline constexpr std::size_t kSlots = 256; // optimizer files loaded at once in one process

// Parses and compiles `text` (named `origin` in messages) into a descriptor. Throws cgp::Error
// (SourceError with file:line:column for the file's own mistakes).
std::shared_ptr<const cgp_optimizer_descriptor> descriptor_from_text(const std::string& origin, std::string_view text);

// The same, for the file at path (read as an input file, at most 1 MiB).
std::shared_ptr<const cgp_optimizer_descriptor> load_descriptor(const std::filesystem::path& path);

} // namespace cgp::optfile
