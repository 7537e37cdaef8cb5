import TeamCal

extension Context {
    /// The audit trail for changes made in this run: the app's `log` table and syslog
    /// (`/dev/log`; `TCADMIN_SYSLOG_SOCKET` names another socket, for tests).
    func auditLog(_ db: TeamCalDatabase) -> AuditLog {
        let socket = environment["TCADMIN_SYSLOG_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? Syslog.defaultSocket
        return AuditLog(db, actor: actor, syslog: Syslog(socketPath: socket))
    }
}
