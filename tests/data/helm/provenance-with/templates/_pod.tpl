{{- define "pw.pod" -}}
{{- with .Values.initContainers }}
initContainers:
  {{- tpl . $ | nindent 2 }}
{{- end }}
{{- with .Values.sidecar }}
hostNetwork: {{ tpl .hostNetwork $ }}
{{- end }}
containers:
  - name: app
    image: registry.example/app:1.0
{{- with .Values.webhook }}
  - name: hook
    image: {{ .image }}
    {{- with .securityContext }}
    securityContext:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}
{{- end -}}
