#!/bin/sh
# The modular input cloudpassage_halo: splunkd runs it with --scheme, --validate-arguments or no
# argument (a run) and the input's XML on stdin. Java comes from [java] home in the app's
# cloudpassage_halo.conf (local/ over default/), else JAVA_HOME, else the java on the PATH.
# Whatever is missing is said in one line on stderr, which splunkd logs in splunkd.log.
APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
JAR="$APP_DIR/lib/halo-connector.jar"

# the value of "home" in the [java] stanza of one .conf file, empty when unset
java_home_in() {
    [ -f "$1" ] || return 0
    sed -n '/^\[java\]/,/^\[/{s/^[[:space:]]*home[[:space:]]*=[[:space:]]*//p;}' "$1" | tail -n 1 | sed 's/[[:space:]]*$//'
}

home=$(java_home_in "$APP_DIR/local/cloudpassage_halo.conf")
[ -n "$home" ] || home=$(java_home_in "$APP_DIR/default/cloudpassage_halo.conf")
if [ -n "$home" ]; then
    where="[java] home = $home in cloudpassage_halo.conf"
else
    home=$JAVA_HOME
    where="JAVA_HOME=$home"
fi
if [ -n "$home" ]; then
    JAVA="$home/bin/java"
    if [ ! -x "$JAVA" ]; then
        echo "cloudpassage_halo: no Java at $JAVA ($where): install Java 17 or later and set [java] home in $APP_DIR/local/cloudpassage_halo.conf" >&2
        exit 2
    fi
else
    JAVA=$(command -v java)
    if [ -z "$JAVA" ]; then
        echo "cloudpassage_halo: no Java found (no [java] home in cloudpassage_halo.conf, no JAVA_HOME, no java on the PATH): install Java 17 or later and set [java] home in $APP_DIR/local/cloudpassage_halo.conf" >&2
        exit 2
    fi
fi
if [ ! -f "$JAR" ]; then
    echo "cloudpassage_halo: the connector jar $JAR is missing: reinstall the app from its .tgz" >&2
    exit 2
fi
# splunkd logs each stderr line in splunkd.log: warnings and errors only, unless set otherwise
HALO_LOG_LEVEL=${HALO_LOG_LEVEL:-WARN}
export HALO_LOG_LEVEL
exec "$JAVA" -Xmx512m -cp "$JAR" io.haloconnector.splunk.ModularInput "$@"
