// The module's behaviour, apart from Companion: one RunshowClient, the variables it
// gives, and the commands the buttons send. `host` is the Companion instance (or a
// test's stand-in): setVariableValues, checkFeedbacks, updateStatus, log.
'use strict'

const { InstanceStatus } = require('@companion-module/base')
const { RunshowClient, KeyRefused } = require('./client')
const { variableValues } = require('./fields')

/** Commands that say which item the press was meant for (Runshow's double-press guard). */
const POSITION = new Set(['next', 'previous', 'goto'])
const CLOCK = new Set(['start', 'pause', 'resume', 'adjust'])

class RunshowController {
  constructor(host, { retryMs = 2000, tickMs = 1000 } = {}) {
    this.host = host
    this.retryMs = retryMs
    this.tickMs = tickMs
    this.client = null
    this.values = variableValues(null)
    this.ticker = null
  }

  /** (Re)connect with Companion's settings: {url, key, room}. */
  async configure(config) {
    this.stop()
    const client = (this.client = new RunshowClient({ ...config, retryMs: this.retryMs }))
    this.host.updateStatus(InstanceStatus.Connecting)
    client.on('state', () => this.refresh())
    client.on('programme', () => this.refresh())
    client.on('phase', () => this.refresh())
    client.on('connection', (connected) => {
      this.host.updateStatus(connected ? InstanceStatus.Ok : InstanceStatus.ConnectionFailure, connected ? null : 'Mất kết nối tới Runshow')
      this.refresh()
    })
    client.on('problem', (error) => this.host.log('debug', `Runshow: ${error.message}`))
    try {
      await client.checkKey()
    } catch (error) {
      if (error instanceof KeyRefused) {
        this.host.updateStatus(InstanceStatus.BadConfig, error.message)
        return
      }
      this.host.updateStatus(InstanceStatus.ConnectionFailure, `Không kết nối được ${client.base}: ${error.message}`)
    }
    if (client === this.client) {
      client.start()
      this.ticker = setInterval(() => this.values.running && this.refresh(), this.tickMs)
    }
  }

  stop() {
    this.client?.stop()
    this.client?.removeAllListeners()
    clearInterval(this.ticker)
    this.ticker = null
  }

  refresh() {
    const client = this.client
    if (!client) return
    const timeZone = client.programme?.event?.timezone
    this.values = variableValues(client.state, { connected: client.connected, nowMs: client.now(), timeZone })
    this.host.setVariableValues(this.values)
    this.host.checkFeedbacks()
  }

  /** An item id from what a button says: an id, or a 1-based number. */
  itemId(text) {
    const items = this.client?.programme?.items || []
    if (/^\d+$/.test(text) && items[Number(text) - 1]) return items[Number(text) - 1].id
    return text
  }

  /** Scroll the prompters (`{ ratio }` or `{ step }`, docs/api.md); the server's answer. */
  async scrollPrompter(body) {
    if (!this.client) return { ok: false, error: 'Chưa cấu hình' }
    try {
      const answer = await this.client.scrollPrompter(body)
      if (!answer.ok) this.host.log('warn', `Runshow từ chối cuộn prompter: ${answer.error}`)
      return answer
    } catch (error) {
      this.host.log('error', `Runshow: không cuộn được prompter: ${error.message}`)
      return { ok: false, error: error.message }
    }
  }

  /** Send `command` as meant for what the button last showed; the server's answer. */
  async send(command, args = {}) {
    if (!this.client) return { ok: false, error: 'Chưa cấu hình' }
    const state = this.client.state || {}
    const guard = {}
    if (POSITION.has(command)) guard.from = state.current?.id ?? null
    if (CLOCK.has(command)) {
      const meant = command === 'start' && !state.current ? state.next?.id : state.current?.id
      if (meant) guard.item_id = meant
    }
    try {
      const answer = await this.client.command(command, { ...guard, ...args })
      if (!answer.ok) this.host.log('warn', `Runshow từ chối ${command}: ${answer.error}`)
      return answer
    } catch (error) {
      this.host.log('error', `Runshow: không gửi được ${command}: ${error.message}`)
      return { ok: false, error: error.message }
    }
  }
}

module.exports = { RunshowController }
