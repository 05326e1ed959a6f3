import Foundation

/// `Microsoft.Compute/virtualMachines`.
///
/// Compute-style validation (400 `InvalidParameter` with a `target`): `hardwareProfile.vmSize`,
/// `storageProfile.osDisk.createOption` (`FromImage`/`Attach`/`Empty`), an `imageReference` for `FromImage`,
/// `osProfile.adminUsername` on create, at least one NIC in `networkProfile.networkInterfaces`; each NIC must exist
/// (`InvalidResourceReference`) and not belong to another VM (`NicInUse`); `osProfile` cannot change after
/// creation (`PropertyChangeNotAllowed`). Secrets are never stored or returned (`adminPassword`, `customData`,
/// `userData`). Server-set: `vmId`, `timeCreated`, `osDisk.name`. Deleting a VM deletes NICs whose
/// `deleteOption` is `Delete`.
struct VirtualMachineKind: ResourceKind {
    let namespace = "Microsoft.Compute"
    let type = "virtualMachines"
    let isCompute = true

    static let secrets: [[String]] = [
        ["properties", "osProfile", "adminPassword"], ["properties", "osProfile", "customData"], ["properties", "userData"],
    ]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        let previous = context.previous?.body
        func invalid(_ target: String, _ message: String) -> ArmError {
            ArmError.badRequest("InvalidParameter", message, target: target)
        }
        guard body[path: ["properties", "hardwareProfile", "vmSize"]]?.stringValue?.isEmpty == false else {
            throw invalid("vmSize", "Required parameter 'hardwareProfile.vmSize' is missing (null).")
        }
        guard let createOption = body[path: ["properties", "storageProfile", "osDisk", "createOption"]]?.stringValue else {
            throw invalid("osDisk.createOption", "Required parameter 'osDisk.createOption' is missing (null).")
        }
        guard ["FromImage", "Attach", "Empty"].contains(createOption) else {
            throw invalid("osDisk.createOption", "The value '\(createOption)' of parameter 'osDisk.createOption' is not allowed.")
        }
        if createOption == "FromImage", body[path: ["properties", "storageProfile", "imageReference"]] == nil {
            throw invalid("imageReference", "Required parameter 'imageReference' is missing (null).")
        }
        if let previousProfile = previous?[path: ["properties", "osProfile"]] {
            var incoming = body[path: ["properties", "osProfile"]] ?? previousProfile
            for key in ["adminPassword", "customData"] { incoming[key] = nil }
            if incoming != previousProfile {
                throw ArmError(
                    409, "PropertyChangeNotAllowed", "Changing property 'osProfile' is not allowed.", target: "osProfile")
            }
        } else if createOption == "FromImage", body[path: ["properties", "osProfile", "adminUsername"]]?.stringValue == nil {
            throw invalid("adminUsername", "Required parameter 'osProfile.adminUsername' is missing (null).")
        }
        let nics = body[path: ["properties", "networkProfile", "networkInterfaces"]]?.arrayValue ?? []
        guard !nics.isEmpty else {
            throw invalid("networkProfile", "At least one network interface is required in 'networkProfile.networkInterfaces'.")
        }
        for (index, nic) in nics.enumerated() {
            let target = try context.require(nic, field: "networkProfile.networkInterfaces[\(index)]")
            if let owner = NetworkInterfaceKind.attachedVM(target.id, context.world), !owner.sameID(context.id.canonical) {
                throw ArmError.badRequest(
                    "NicInUse", "Network interface \(target.id) is attached to another virtual machine \(owner).", target: target.id)
            }
        }
        for path in Self.secrets { body.remove(path) }
        body.set(["properties", "vmId"], previous?[path: ["properties", "vmId"]] ?? .string(newGUID()))
        body.set(["properties", "timeCreated"], previous?[path: ["properties", "timeCreated"]] ?? .string(Timestamp.iso8601(.init())))
        if body[path: ["properties", "storageProfile", "osDisk", "name"]] == nil {
            let name = previous?[path: ["properties", "storageProfile", "osDisk", "name"]]
                ?? .string("\(context.id.name!)_OsDisk_1_\(newGUID(compact: true))")
            body.set(["properties", "storageProfile", "osDisk", "name"], name)
        }
    }

    func didDelete(_ resource: StoredResource, _ world: inout World) {
        for nic in resource.body[path: ["properties", "networkProfile", "networkInterfaces"]]?.arrayValue ?? [] {
            guard nic[path: ["properties", "deleteOption"]]?.stringValue == "Delete", let id = nic.referenceID.flatMap(ResourceID.init(parsing:))
            else { continue }
            world.resources[id.key] = nil
        }
    }
}
