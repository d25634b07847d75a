# Installation of the man page and the Debian package (CPack DEB generator).
# Included at the end of CMakeLists.txt, after the binary's own install() rule.
#
#   cmake --build --preset default --target package     # build/default/s3-cleanup_<version>_<arch>.deb
#   (cd build/default && cpack -G DEB -B /tmp/out)      # the same from an existing build
#
# tests/integration/test_package.py builds the package this way, inspects it with
# dpkg-deb, extracts it into a throw-away root and runs the installed binary.

install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/man/s3-cleanup.1 DESTINATION share/man/man1)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME s3-cleanup)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "s3-cleanup maintainers")
set(CPACK_PACKAGE_CONTACT "s3-cleanup maintainers <maintainers@users.noreply.r-seed-98d11574.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "prune old deployment folders from an S3 bucket")
# One string (a list would be joined with ';'), wrapped for dpkg's 80 columns.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "s3-cleanup keeps the newest N deployment folders of an S3 bucket (or of a\n"
  "folder in it) and deletes every object of the others, after showing the\n"
  "plan, in as few requests as the S3 API allows, reporting every object it\n"
  "could not delete. It finds AWS credentials the way the AWS CLI does and\n"
  "works with S3-compatible stores.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# RelWithDebInfo binaries carry ~20 MB of debug info; the package does not.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_NAME s3-cleanup)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # s3-cleanup_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# ca-certificates: TLS certificates are always verified, against the system's store.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)

# Runtime dependencies: computed by dpkg-shlibdeps from the binary's DT_NEEDED libraries
# where it is available (Debian, Ubuntu), else the Debian 12 packages of those libraries.
find_program(S3_CLEANUP_DPKG_SHLIBDEPS dpkg-shlibdeps)
mark_as_advanced(S3_CLEANUP_DPKG_SHLIBDEPS)
if(S3_CLEANUP_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libc6, libcurl4, libgcc-s1, libpugixml1v5, libssl3, libstdc++6, libyaml-cpp0.7")
endif()

include(CPack)
