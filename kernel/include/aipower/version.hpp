// Build information of the kernel, for diagnostics (aipower.version_info()).
#pragma once

#include <string>

namespace aipower {

struct BuildInfo {
    std::string version;   // kernel version (= package version)
    std::string compiler;  // compiler id and version
    std::string build_type;
    std::string cxx_standard;
    std::string batch_build;  // the batch path's build this CPU runs (batch::vectorised_build)
    std::string source_sha256;  // SHA-256 over the kernel's sources as built (kernel/cmake/SourceSha256.cmake)
};

BuildInfo build_info();

}  // namespace aipower
