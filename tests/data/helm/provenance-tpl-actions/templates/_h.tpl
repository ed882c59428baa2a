{{- define "t.render" -}}
{{- if typeIs "string" .value }}
{{- tpl .value .context }}
{{- else }}
{{- tpl (.value | toYaml) .context }}
{{- end }}
{{- end -}}

{{- define "t.containers" -}}
{{- range concat .sidecars .containers }}
- name: c
{{ include "t.render" (dict "value" . "context" $.root) | indent 2 }}
{{- end }}
{{- end -}}
