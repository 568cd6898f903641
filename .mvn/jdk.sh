# Sourced by ./mvnw and ./openledger: puts a JDK 25 or newer in JAVA_HOME.
# Order: JAVA_HOME if it is 25+, then `java` on PATH if it is 25+, then the newest under /usr/lib/jvm.
openledger_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | cut -d. -f1
}
openledger_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(openledger_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 25 ] 2>/dev/null; then return 0; fi
  fi
  if command -v java >/dev/null 2>&1; then
    candidate=$(cd "$(dirname "$(readlink -f "$(command -v java)")")/.." && pwd)
    major=$(openledger_java_major "$candidate")
    if [ "${major:-0}" -ge 25 ] 2>/dev/null; then export JAVA_HOME="$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(openledger_java_major "$candidate")
    if [ "${major:-0}" -ge 25 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -n "$best" ]; then export JAVA_HOME="$best"; return 0; fi
  echo "error: OpenLedger needs a JDK 25 or newer (found none in JAVA_HOME, on PATH or under /usr/lib/jvm)." >&2
  echo "       Install one (for example Eclipse Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
