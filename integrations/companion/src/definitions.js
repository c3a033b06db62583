// Companion's actions, feedbacks and presets for Runshow, made for a controller
// (src/controller.js): `send(command, args)` and `values` (the variables now).
'use strict'

const { combineRgb } = require('@companion-module/base')

const COLOURS = {
  white: combineRgb(255, 255, 255),
  black: combineRgb(0, 0, 0),
  grey: combineRgb(51, 65, 85),
  green: combineRgb(22, 163, 74),
  blue: combineRgb(29, 78, 216),
  amber: combineRgb(245, 158, 11),
  red: combineRgb(220, 38, 38),
  purple: combineRgb(126, 34, 206),
}

const PHASES = [
  { id: 'normal', label: 'Bình thường' },
  { id: 'warning', label: 'Vàng (sắp hết giờ)' },
  { id: 'danger', label: 'Đỏ' },
  { id: 'overtime', label: 'Quá giờ' },
  { id: 'ended', label: 'Hết giờ (dừng ở 0)' },
]
const TARGETS = [
  { id: 'stage', label: 'Sân khấu' },
  { id: 'speaker', label: 'Diễn giả' },
  { id: 'mc', label: 'MC' },
  { id: 'both', label: 'Sân khấu và MC' },
  { id: 'all', label: 'Tất cả' },
]
const SWITCH = [
  { id: 'toggle', label: 'Đảo' },
  { id: 'on', label: 'Bật' },
  { id: 'off', label: 'Tắt' },
]

/** `on` for a blackout/banner action: what the option says, or the opposite of now. */
function switched(choice, now) {
  if (choice === 'on') return true
  if (choice === 'off') return false
  return !now
}

function actions(controller) {
  const plain = (name, label) => ({ name: label, options: [], callback: () => controller.send(name) })
  return {
    start_pause: {
      name: 'Bắt đầu / Tạm dừng / Tiếp tục (một nút)',
      options: [],
      callback: () => {
        const { running, paused } = controller.values
        return controller.send(running ? 'pause' : paused ? 'resume' : 'start')
      },
    },
    start: plain('start', 'Bắt đầu'),
    pause: plain('pause', 'Tạm dừng'),
    resume: plain('resume', 'Tiếp tục'),
    reset: plain('reset', 'Đặt lại đồng hồ'),
    next: plain('next', 'Tiếp theo'),
    previous: plain('previous', 'Trước'),
    undo: plain('undo', 'Hoàn tác'),
    redo: plain('redo', 'Làm lại'),
    goto: {
      name: 'Chuyển đến mục',
      options: [{ type: 'textinput', id: 'item', label: 'Mã mục hoặc số thứ tự (từ 1)', default: '1', useVariables: true }],
      callback: async (action, context) => {
        const chosen = context ? await context.parseVariablesInString(action.options.item) : action.options.item
        return controller.send('goto', { item_id: controller.itemId(String(chosen).trim()) })
      },
    },
    adjust: {
      name: 'Thêm / bớt thời gian',
      options: [{ type: 'number', id: 'seconds', label: 'Số giây (âm để bớt)', default: 60, min: -10800, max: 10800 }],
      callback: (action) => controller.send('adjust', { seconds: Number(action.options.seconds) }),
    },
    message: {
      name: 'Nhắn tin',
      options: [
        { type: 'textinput', id: 'text', label: 'Nội dung', default: 'Còn 1 phút', useVariables: true },
        { type: 'dropdown', id: 'target', label: 'Gửi tới', default: 'speaker', choices: TARGETS },
      ],
      callback: async (action, context) => {
        const text = context ? await context.parseVariablesInString(action.options.text) : action.options.text
        return controller.send('message', { text, target: action.options.target })
      },
    },
    flash: {
      name: 'Nháy màn hình',
      options: [
        { type: 'number', id: 'seconds', label: 'Số giây', default: 3, min: 1, max: 30 },
        { type: 'dropdown', id: 'target', label: 'Màn hình', default: 'speaker', choices: TARGETS },
      ],
      callback: (action) =>
        controller.send('flash', { seconds: Number(action.options.seconds), target: action.options.target }),
    },
    prompter_step: {
      name: 'Prompter: cuộn lên / xuống',
      options: [{ type: 'number', id: 'percent', label: 'Bước (% lời dẫn, âm để lên)', default: 10, min: -100, max: 100 }],
      callback: (action) => controller.scrollPrompter({ step: Number(action.options.percent) / 100 }),
    },
    prompter_to: {
      name: 'Prompter: cuộn tới',
      options: [{ type: 'number', id: 'percent', label: 'Vị trí (% lời dẫn, 0 là đầu)', default: 0, min: 0, max: 100 }],
      callback: (action) => controller.scrollPrompter({ ratio: Number(action.options.percent) / 100 }),
    },
    clear_message: {
      name: 'Xóa tin nhắn',
      options: [{ type: 'dropdown', id: 'target', label: 'Xóa ở', default: 'all', choices: TARGETS }],
      callback: (action) => controller.send('clear_message', { target: action.options.target }),
    },
    blackout: {
      name: 'Màn hình đen',
      options: [{ type: 'dropdown', id: 'on', label: 'Bật/tắt', default: 'toggle', choices: SWITCH }],
      callback: (action) => controller.send('blackout', { on: switched(action.options.on, controller.values.blackout === 1) }),
    },
    banner: {
      name: 'Băng rôn',
      options: [{ type: 'dropdown', id: 'on', label: 'Bật/tắt', default: 'toggle', choices: SWITCH }],
      callback: (action) => controller.send('banner', { on: switched(action.options.on, controller.values.banner === 1) }),
    },
  }
}

function feedbacks(controller) {
  const when = (name, test, style) => ({
    type: 'boolean',
    name,
    defaultStyle: style,
    options: [],
    callback: () => Boolean(test(controller.values)),
  })
  return {
    phase: {
      type: 'boolean',
      name: 'Pha của đồng hồ',
      defaultStyle: { bgcolor: COLOURS.red, color: COLOURS.white },
      options: [{ type: 'dropdown', id: 'phase', label: 'Pha', default: 'danger', choices: PHASES }],
      callback: (feedback) => controller.values.phase === feedback.options.phase,
    },
    running: when('Đồng hồ đang chạy', (v) => v.running === 1, { bgcolor: COLOURS.green, color: COLOURS.white }),
    paused: when('Đồng hồ tạm dừng', (v) => v.paused === 1, { bgcolor: COLOURS.amber, color: COLOURS.black }),
    blackout: when('Màn hình đen đang bật', (v) => v.blackout === 1, { bgcolor: COLOURS.purple, color: COLOURS.white }),
    banner: when('Băng rôn đang hiện', (v) => v.banner === 1, { bgcolor: COLOURS.blue, color: COLOURS.white }),
    message_showing: when('Có tin nhắn trên sân khấu', (v) => Boolean(v.message), { bgcolor: COLOURS.amber, color: COLOURS.black }),
    connected: when('Đã kết nối với Runshow', (v) => v.connected === 1, { bgcolor: COLOURS.green, color: COLOURS.white }),
  }
}

/** One preset button: `text` on the key, `down` actions, `feedback` styles. */
function button(category, name, text, down, feedback = [], size = '18') {
  return {
    type: 'button',
    category,
    name,
    style: { text, size, color: COLOURS.white, bgcolor: COLOURS.grey },
    steps: [{ down, up: [] }],
    feedbacks: feedback,
  }
}

const act = (actionId, options = {}) => ({ actionId, options })
const lit = (feedbackId, style, options = {}) => ({ feedbackId, options, style })

/** The ready-made 15-key page (5 × 3), row by row, as docs/companion.md shows it. */
function presets(label = 'runshow') {
  const v = (id) => `$(${label}:${id})`
  const page = 'Trang 15 phím'
  const phaseColours = [
    lit('phase', { bgcolor: COLOURS.green }, { phase: 'normal' }),
    lit('phase', { bgcolor: COLOURS.amber, color: COLOURS.black }, { phase: 'warning' }),
    lit('phase', { bgcolor: COLOURS.red }, { phase: 'danger' }),
    lit('phase', { bgcolor: COLOURS.red }, { phase: 'overtime' }),
    lit('phase', { bgcolor: COLOURS.red }, { phase: 'ended' }),
    { ...lit('connected', { bgcolor: COLOURS.grey, text: 'Mất kết nối', size: '14' }), isInverted: true },
  ]
  return {
    countdown: button(page, 'Đồng hồ (màu theo pha)', v('remaining'), [], phaseColours, '24'),
    start_pause: button(page, 'Bắt đầu / Tạm dừng', 'Bắt đầu\\nTạm dừng', [act('start_pause')], [
      lit('running', { bgcolor: COLOURS.green, text: 'Tạm dừng' }),
      lit('paused', { bgcolor: COLOURS.amber, color: COLOURS.black, text: 'Tiếp tục' }),
    ]),
    previous: button(page, 'Trước', '◀\\nTrước', [act('previous')]),
    next: button(page, 'Tiếp theo', 'Tiếp theo\\n▶', [act('next')]),
    current: button(page, 'Mục đang diễn ra', v('item_title'), [], [], 'auto'),
    minus_minute: button(page, '−1 phút', '−1 phút', [act('adjust', { seconds: -60 })]),
    plus_minute: button(page, '+1 phút', '+1 phút', [act('adjust', { seconds: 60 })]),
    blackout: button(page, 'Màn hình đen', 'Màn hình\\nđen', [act('blackout', { on: 'toggle' })], [
      lit('blackout', { bgcolor: COLOURS.purple }),
    ]),
    banner: button(page, 'Băng rôn', 'Băng rôn', [act('banner', { on: 'toggle' })], [lit('banner', { bgcolor: COLOURS.blue })]),
    next_title: button(page, 'Mục tiếp theo', `Tiếp:\\n${v('next_title')}`, [], [], 'auto'),
    offset: button(page, 'Tiến độ', v('offset'), [], [], '14'),
    projected_end: button(page, 'Dự kiến kết thúc', `Kết thúc\\n${v('projected_end')}`, [], [], '14'),
    message: button(page, 'Nhắn "Còn 1 phút"', 'Nhắn\\nCòn 1 phút', [act('message', { text: 'Còn 1 phút', target: 'speaker' })], [
      lit('message_showing', { bgcolor: COLOURS.amber, color: COLOURS.black }),
    ]),
    clear_message: button(page, 'Xóa tin nhắn', 'Xóa\\ntin nhắn', [act('clear_message', { target: 'all' })]),
    undo: button(page, 'Hoàn tác', '↶\\nHoàn tác', [act('undo')]),
  }
}

module.exports = { actions, feedbacks, presets, COLOURS }
