// Runshow's HTTP side as the module uses it: the event stream (GET /api/events) for
// every change, GET /api/state for the schedule's figures, POST /api/command with
// the control key. Plain Node (fetch, AbortController): no Companion here, so the
// tests drive it against a real server.
'use strict'

const { EventEmitter } = require('node:events')

/** The key was refused (401/429): retrying with the same key cannot help. */
class KeyRefused extends Error {}

/**
 * Emits 'state' (the /api/state answer), 'programme', 'phase', and 'connection'
 * (true/false). Reconnects by itself, resuming from the last event's id.
 */
class RunshowClient extends EventEmitter {
  constructor({ url, key, room = '', retryMs = 2000, fetchImpl = globalThis.fetch }) {
    super()
    this.base = String(url || '').trim().replace(/\/+$/, '')
    if (!/^https?:\/\//.test(this.base)) this.base = `http://${this.base}`
    this.key = String(key || '').trim()
    this.room = String(room || '').trim()
    this.retryMs = retryMs
    this.fetch = fetchImpl
    this.connected = false
    this.state = null
    this.programme = null
    this.lastEventId = null
    this.clockOffsetMs = 0 // server clock minus this machine's
    this.abort = null
    this.stopped = true
  }

  /** `/api/<path>`, or the room's `/api/rooms/<room>/<path>` (issue 21's rooms). */
  api(path) {
    if (this.room && path !== 'events') return `${this.base}/api/rooms/${encodeURIComponent(this.room)}/${path}`
    const query = path === 'events' && this.room ? `?room=${encodeURIComponent(this.room)}` : ''
    return `${this.base}/api/${path}${query}`
  }

  get headers() {
    return { Authorization: `Bearer ${this.key}` }
  }

  /** Throws KeyRefused when the key is wrong, an Error when the server cannot be reached. */
  async checkKey() {
    const response = await this.fetch(this.api('programme'), { headers: this.headers })
    if (response.status === 401 || response.status === 429) {
      const body = await response.json().catch(() => ({}))
      throw new KeyRefused(body.error || 'Mã điều khiển không đúng.')
    }
    if (!response.ok) throw new Error(`Máy chủ trả lời ${response.status}`)
    this.programme = await response.json()
    this.emit('programme', this.programme)
  }

  /** Send one command; the server's answer ({ok, ...}) whatever it says. */
  async command(name, args = {}) {
    const response = await this.fetch(this.api('command'), {
      method: 'POST',
      headers: { ...this.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: name, ...args }),
    })
    const answer = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }))
    if (answer.ok && answer.state) this.takeState(answer.state) // the console's: a superset
    return answer
  }

  /** Scroll the room's prompters: `{ ratio }` (0…1) or `{ step }` (-1…1); the server's answer. */
  async scrollPrompter(body) {
    const response = await this.fetch(this.api('prompter'), {
      method: 'POST',
      headers: { ...this.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    return response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }))
  }

  async refreshState() {
    const response = await this.fetch(this.api('state'))
    if (response.ok) this.takeState(await response.json())
  }

  takeState(state) {
    if (this.state && state.revision < this.state.revision) return
    this.state = state
    this.clockOffsetMs = state.server_time_ms - Date.now()
    this.emit('state', state)
  }

  /** The server's clock now, as far as this machine can tell. */
  now() {
    return Date.now() + this.clockOffsetMs
  }

  start() {
    this.stopped = false
    this.loop().catch(() => {})
  }

  stop() {
    this.stopped = true
    this.abort?.abort()
    this.setConnected(false)
  }

  setConnected(connected) {
    if (connected === this.connected) return
    this.connected = connected
    this.emit('connection', connected)
  }

  async loop() {
    while (!this.stopped) {
      try {
        await this.readStream()
      } catch (error) {
        if (this.stopped) return
        this.emit('problem', error)
      }
      this.setConnected(false)
      if (this.stopped) return
      await new Promise((resolve) => setTimeout(resolve, this.retryMs))
    }
  }

  async readStream() {
    this.abort = new AbortController()
    const headers = { Accept: 'text/event-stream' }
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId
    const response = await this.fetch(this.api('events'), { headers, signal: this.abort.signal })
    if (!response.ok) throw new Error(`GET /api/events: HTTP ${response.status}`)
    this.setConnected(true)
    const decoder = new TextDecoder()
    let pending = ''
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk, { stream: true })
      let end
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end)
        pending = pending.slice(end + 2)
        await this.takeEvent(parseEvent(block))
      }
    }
  }

  async takeEvent(event) {
    if (!event.name) return
    if (event.id) this.lastEventId = event.id
    const data = event.data ? JSON.parse(event.data) : null
    if (event.name === 'programme') {
      this.programme = data
      this.emit('programme', data)
    } else if (event.name === 'state') {
      this.takeState({ ...(this.state || {}), ...data }) // at once, then with the schedule
      await this.refreshState()
    } else if (event.name === 'phase') {
      this.emit('phase', data)
    }
  }
}

/** One Server-Sent Event block → {id, name, data}. */
function parseEvent(block) {
  const event = { id: null, name: null, data: '' }
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'id') event.id = value
    else if (field === 'event') event.name = value
    else if (field === 'data') event.data += (event.data ? '\n' : '') + value
  }
  return event
}

module.exports = { RunshowClient, KeyRefused, parseEvent }
