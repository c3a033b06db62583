// The module against a real Runshow server: connect with address and key, every
// action, the variables and the boolean feedbacks, the double-press guard.
'use strict'

const assert = require('node:assert/strict')
const path = require('node:path')
const { after, before, describe, test } = require('node:test')
const { InstanceStatus, validateManifest } = require('@companion-module/base')

const { RunshowController } = require('../src/controller')
const { actions, feedbacks, presets } = require('../src/definitions')
const { VARIABLES, offsetText, timerText } = require('../src/fields')
const { startServer } = require('./server')

/** Companion's side, as the controller sees it: it records and can be waited on. */
class FakeHost {
  constructor() {
    this.values = {}
    this.statuses = []
    this.logs = []
    this.waiters = []
  }
  setVariableValues(values) {
    Object.assign(this.values, values)
    this.settle()
  }
  checkFeedbacks() {}
  updateStatus(status, message) {
    this.statuses.push([status, message])
    this.settle()
  }
  log(level, text) {
    this.logs.push([level, text])
  }
  settle() {
    this.waiters = this.waiters.filter(({ test, resolve }) => !(test(this) && (resolve(), true)))
  }
  /** Until `test(host)` holds (each change is looked at), or fail after 10 s. */
  until(test, what) {
    if (test(this)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never happened: ${what}; values ${JSON.stringify(this.values)}`)), 10000)
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) })
    })
  }
}

describe('the module with a real Runshow server', () => {
  let server
  let host
  let controller
  let act
  let lit

  before(async () => {
    server = await startServer()
    host = new FakeHost()
    controller = new RunshowController(host, { retryMs: 200 })
    act = actions(controller)
    const defined = feedbacks(controller)
    lit = (id, options = {}) => defined[id].callback({ options })
    await controller.configure({ url: server.url.replace('http://', ''), key: server.key })
    await host.until((h) => h.values.connected === 1 && h.values.revision === 0, 'connected')
  })

  after(async () => {
    controller?.stop()
    await server?.stop()
  })

  test('connects with the address and key, and says so', () => {
    assert.deepEqual(host.statuses.at(-1), [InstanceStatus.Ok, null])
    assert.equal(lit('connected'), true)
    assert.equal(host.values.revision, 0)
    assert.equal(host.values.running, 0)
    assert.equal(lit('running'), false)
  })

  test('start, the countdown, its phase, pause and resume', async () => {
    await act.start_pause.callback({ options: {} })
    await host.until((h) => h.values.running === 1, 'running')
    assert.equal(host.values.item_index, 1)
    assert.equal(host.values.item_title, 'Văn nghệ chào mừng')
    assert.match(host.values.remaining, /^(10:00|09:5\d)$/)
    assert.equal(host.values.phase, 'normal')
    assert.equal(lit('running'), true)
    assert.equal(lit('phase', { phase: 'normal' }), true)
    await act.adjust.callback({ options: { seconds: -500 } }) // 100 s left: yellow from 2 min
    await host.until((h) => h.values.phase === 'warning', 'warning with 100 s left')
    assert.equal(lit('phase', { phase: 'warning' }), true)
    assert.equal(lit('phase', { phase: 'danger' }), false)
    assert.ok(host.values.remaining_seconds <= 100 && host.values.remaining_seconds > 90)
    assert.equal(host.values.remaining_m, 1)
    assert.equal(host.values.remaining_hms, `00:01:${String(host.values.remaining_s).padStart(2, '0')}`)
    await act.start_pause.callback({ options: {} })
    await host.until((h) => h.values.paused === 1, 'paused')
    assert.equal(lit('paused'), true)
    await act.resume.callback({ options: {} })
    await host.until((h) => h.values.running === 1, 'resumed')
    await act.pause.callback({ options: {} })
    await host.until((h) => h.values.paused === 1, 'paused again')
    await act.reset.callback({ options: {} }) // a paused clock back to its full length
    await host.until((h) => h.values.remaining === '10:00' && h.values.paused === 0, 'reset')
    await act.start.callback({ options: {} })
    await host.until((h) => h.values.running === 1, 'started again')
  })

  test('next, previous, goto by number, and a double press moves only once', async () => {
    await act.next.callback({ options: {} })
    await host.until((h) => h.values.item_index === 2, 'item 2')
    const answers = await Promise.all([act.next.callback({ options: {} }), act.next.callback({ options: {} })])
    assert.deepEqual(answers.map((a) => a.ok).sort(), [false, true])
    assert.equal(answers.find((a) => !a.ok).code, 'moved_on')
    await host.until((h) => h.values.item_index === 3, 'item 3')
    await act.previous.callback({ options: {} })
    await host.until((h) => h.values.item_index === 2, 'back to 2')
    await act.goto.callback({ options: { item: '5' } })
    await host.until((h) => h.values.item_index === 5, 'item 5')
    assert.ok(host.values.next_title)
    assert.match(host.values.projected_end, /^\d\d:\d\d$/)
    assert.match(host.values.offset, /^(Chậm|Sớm|Đúng giờ)/)
  })

  test('blackout, banner, messages and undo, with their feedbacks', async () => {
    await act.blackout.callback({ options: { on: 'toggle' } })
    await host.until((h) => h.values.blackout === 1, 'blackout')
    assert.equal(lit('blackout'), true)
    await act.blackout.callback({ options: { on: 'off' } })
    await host.until((h) => h.values.blackout === 0, 'blackout off')
    await act.banner.callback({ options: { on: 'on' } })
    await host.until((h) => h.values.banner === 1, 'banner')
    assert.equal(lit('banner'), true)
    await act.undo.callback({ options: {} })
    await host.until((h) => h.values.banner === 0, 'undone')
    await act.redo.callback({ options: {} })
    await host.until((h) => h.values.banner === 1, 'redone')
    await act.banner.callback({ options: { on: 'toggle' } })
    await host.until((h) => h.values.banner === 0, 'banner off')
    await act.message.callback({ options: { text: 'Còn 1 phút', target: 'stage' } })
    await host.until((h) => h.values.message === 'Còn 1 phút', 'message')
    assert.equal(lit('message_showing'), true)
    await act.clear_message.callback({ options: { target: 'all' } })
    await host.until((h) => h.values.message === '', 'message cleared')
    assert.equal(lit('message_showing'), false)
    const flashed = await act.flash.callback({ options: { seconds: 4, target: 'speaker' } })
    assert.equal(flashed.ok, true)
  })

  test('the prompter actions scroll the prompters to a place and by steps', async () => {
    const placed = await act.prompter_to.callback({ options: { percent: 40 } })
    assert.equal(placed.ok, true)
    assert.equal(placed.ratio, 0.4)
    const stepped = await act.prompter_step.callback({ options: { percent: -10 } })
    assert.equal(stepped.ok, true)
    assert.ok(Math.abs(stepped.ratio - 0.3) < 1e-9)
  })

  test('a refused command changes nothing and is logged', async () => {
    const answer = await act.goto.callback({ options: { item: 'khong-co' } })
    assert.equal(answer.ok, false)
    assert.match(host.logs.at(-1)[1], /Runshow từ chối goto/)
  })

  test('a wrong key is said at once', async () => {
    const other = new FakeHost()
    const wrong = new RunshowController(other)
    await wrong.configure({ url: server.url, key: 'sai-ma' })
    wrong.stop()
    assert.equal(other.statuses.at(-1)[0], InstanceStatus.BadConfig)
    assert.match(other.statuses.at(-1)[1], /Mã điều khiển không đúng/)
  })

  test('the server going away turns "connected" off', async () => {
    await server.stop()
    await host.until((h) => h.values.connected === 0, 'disconnected')
    assert.equal(lit('connected'), false)
    assert.equal(host.statuses.at(-1)[0], InstanceStatus.ConnectionFailure)
  })
})

test('the manifest is valid and points at the entry point', () => {
  const manifest = require('../companion/manifest.json')
  validateManifest(manifest, false)
  require.resolve(path.join(__dirname, '..', 'companion', manifest.runtime.entrypoint))
})

test('the 15-key page uses only defined actions, feedbacks and variables', () => {
  const page = presets('runshow')
  assert.equal(Object.keys(page).length, 15)
  const actionIds = new Set(Object.keys(actions({})))
  const feedbackIds = new Set(Object.keys(feedbacks({})))
  const variableIds = new Set(VARIABLES.map(([id]) => id))
  for (const [name, preset] of Object.entries(page)) {
    for (const step of preset.steps) for (const a of step.down) assert.ok(actionIds.has(a.actionId), `${name}: ${a.actionId}`)
    for (const f of preset.feedbacks) assert.ok(feedbackIds.has(f.feedbackId), `${name}: ${f.feedbackId}`)
    for (const [, id] of preset.style.text.matchAll(/\$\(runshow:(\w+)\)/g)) assert.ok(variableIds.has(id), `${name}: ${id}`)
  }
})

test('timer and offset texts read as the stage and the console', () => {
  const countdown = { mode: 'countdown', at_zero: 'overtime' }
  assert.equal(timerText(countdown, 600000, 0), '10:00')
  assert.equal(timerText(countdown, 599001, 999), '10:00')
  assert.equal(timerText(countdown, -61000, 0), '+01:01')
  assert.equal(timerText({ ...countdown, at_zero: 'stop' }, -5000, 0), '00:00')
  assert.equal(timerText(countdown, 3600000, 0), '1:00:00')
  assert.equal(offsetText(20000), 'Đúng giờ')
  assert.equal(offsetText(5 * 60000), 'Chậm 5 phút')
  assert.equal(offsetText(-2 * 60000), 'Sớm 2 phút')
})

test('the entry point gives Companion the instance, asking for address, key and room', () => {
  const Module = require('node:module')
  const realRequire = Module.prototype.require
  let instanceClass = null
  Module.prototype.require = function (id) {
    const loaded = realRequire.apply(this, arguments)
    if (id !== '@companion-module/base') return loaded
    return { ...loaded, runEntrypoint: (given) => (instanceClass = given) }
  }
  try {
    delete require.cache[require.resolve('../src/main.js')]
    require('../src/main.js')
  } finally {
    Module.prototype.require = realRequire
  }
  for (const method of ['init', 'configUpdated', 'destroy', 'getConfigFields']) {
    assert.equal(typeof instanceClass.prototype[method], 'function', method)
  }
  const fields = instanceClass.prototype.getConfigFields.call({})
  assert.deepEqual(fields.filter((f) => f.type === 'textinput').map((f) => f.id), ['url', 'key', 'room'])
})
