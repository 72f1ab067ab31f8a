// `npm install` and `npm ci` run this (the `prepare` script). With the dev toolchain
// installed it builds the server into lib/ and the chat page into public/, so that a
// checkout is ready for `npm start`. `npm ci --omit=dev` has no compiler, and needs none:
// production images copy the lib/ and public/ built in an earlier stage, so it does nothing.
// Plain JavaScript, because tsx is not there either.
const { spawnSync } = require('child_process')

function installed(name) {
  try {
    require.resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}

if (!installed('typescript')) {
  console.log(
    'No dev toolchain (typescript) installed: not building; a production install copies a built lib/ and public/'
  )
} else {
  const { status } = spawnSync('npm', ['run', 'build'], {
    stdio: 'inherit',
    shell: process.platform === 'win32'
  })
  process.exit(status ?? 1)
}
