#include "aipower/version.hpp"

#include "aipower/batch.hpp"

#ifndef AIPOWER_VERSION
#define AIPOWER_VERSION "0.0.0+unknown"
#endif
#ifndef AIPOWER_BUILD_TYPE
#define AIPOWER_BUILD_TYPE "unknown"
#endif
#ifndef AIPOWER_SOURCE_SHA256
#define AIPOWER_SOURCE_SHA256 "unknown"
#endif

namespace aipower {

BuildInfo build_info() {
    BuildInfo info;
    info.version = AIPOWER_VERSION;
#if defined(__clang__)
    info.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    info.compiler = "gcc " __VERSION__;
#elif defined(_MSC_VER)
    info.compiler = "msvc " + std::to_string(_MSC_VER);
#else
    info.compiler = "unknown";
#endif
    info.build_type = AIPOWER_BUILD_TYPE;
    info.cxx_standard = std::to_string(__cplusplus);
    info.batch_build = batch::vectorised_build();
    info.source_sha256 = AIPOWER_SOURCE_SHA256;
    return info;
}

}  // namespace aipower
