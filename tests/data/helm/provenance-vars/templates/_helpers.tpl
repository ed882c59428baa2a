{{- define "pv.securityContext" -}}
{{- $sc := $.Values.shared.securityContext }}
securityContext:
  {{- toYaml $sc | nindent 2 }}
{{- end }}
{{- define "pv.hostPID" -}}
hostPID: {{ $.Values.shared.hostPID }}
{{- end }}
