// A real Runshow server for the tests: this checkout's, from the repository's .venv
// (or RUNSHOW_PYTHON), on a free port of 127.0.0.1, with its own data directory.
'use strict'

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..', '..')
const KEY = 'companion-test-key'

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

async function startServer() {
  const python = process.env.RUNSHOW_PYTHON || path.join(ROOT, '.venv', 'bin', 'python')
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runshow-companion-'))
  const args = ['-m', 'runshow', 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--control-key', KEY]
  const child = spawn(python, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`runshow serve exited:\n${output}`)
    try {
      if ((await fetch(`${url}/api/state`)).ok) break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100)) // the port is not open yet
    }
  }
  return {
    url,
    key: KEY,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

module.exports = { startServer }
