// Companion's entry point: the instance delegates to RunshowController (src/controller.js).
'use strict'

const { InstanceBase, Regex, runEntrypoint } = require('@companion-module/base')
const { RunshowController } = require('./controller')
const { actions, feedbacks, presets } = require('./definitions')
const { VARIABLES } = require('./fields')

class RunshowInstance extends InstanceBase {
  async init(config) {
    this.controller = new RunshowController(this)
    this.setActionDefinitions(actions(this.controller))
    this.setFeedbackDefinitions(feedbacks(this.controller))
    this.setVariableDefinitions(VARIABLES.map(([variableId, name]) => ({ variableId, name })))
    this.setPresetDefinitions(presets(this.label))
    await this.controller.configure(config)
  }

  async configUpdated(config) {
    await this.controller.configure(config)
  }

  async destroy() {
    this.controller?.stop()
  }

  getConfigFields() {
    return [
      { type: 'static-text', id: 'info', width: 12, label: 'Runshow', value: 'Dán địa chỉ và mã điều khiển mà `runshow serve` in ra khi chạy.' },
      { type: 'textinput', id: 'url', label: 'Địa chỉ máy chủ', width: 8, default: 'http://192.168.1.10:5000', regex: Regex.SOMETHING },
      { type: 'textinput', id: 'key', label: 'Mã điều khiển', width: 4, default: '', regex: Regex.SOMETHING },
      { type: 'textinput', id: 'room', label: 'Phòng (để trống nếu chỉ có một chương trình)', width: 4, default: '' },
    ]
  }
}

runEntrypoint(RunshowInstance, [])
