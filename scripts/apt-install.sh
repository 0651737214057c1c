# Sourced by the install-*.sh scripts: `apt_install <package>` installs a Debian package with
# apt-get, or, when not root, says the command to run as root and exits 1.
apt_install() {
	local package=$1 script
	script=$(basename "$0" .sh)
	if [[ $(id -u) -ne 0 ]]; then
		echo "[$script] $package is missing; as root run: apt-get update && apt-get install -y $package" >&2
		exit 1
	fi
	echo "[$script] installing $package (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "$package" >/dev/null
}
