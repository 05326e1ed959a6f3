import ArmEmulator
import Testing

@Suite struct VMTests {
    static func body(nic: String, password: Bool = true) -> JSON {
        var os: JSON = [
            "computerName": "vm1", "adminUsername": "azureuser", "customData": "I2Nsb3VkLWNvbmZpZwo=",
            "linuxConfiguration": ["disablePasswordAuthentication": true],
        ]
        if password { os["adminPassword"] = "S3cret!S3cret!" }
        return [
            "location": "eastus", "zones": ["1"],
            "properties": [
                "hardwareProfile": ["vmSize": "Standard_D2s_v3"],
                "storageProfile": [
                    "imageReference": ["publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"],
                    "osDisk": ["createOption": "FromImage"],
                ],
                "osProfile": os,
                "networkProfile": ["networkInterfaces": [["id": .string("\(Fixture.network)/networkInterfaces/\(nic)"), "properties": ["primary": true]]]],
            ],
        ]
    }

    static var path: String { "\(Fixture.groupPath)/providers/Microsoft.Compute/virtualMachines/vm1" }

    @Test func secretsAreNeverReturnedAndServerFieldsAreSet() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.nic("nic1")
        let created = try fixture.put(Self.path, Self.body(nic: "nic1"))
        #expect(created.status == 201)
        let vm = try #require(try fixture.get(Self.path).json)
        #expect(vm["properties"]?["osProfile"]?["adminPassword"] == nil)
        #expect(vm["properties"]?["osProfile"]?["customData"] == nil)
        #expect(vm["properties"]?["vmId"]?.stringValue?.count == 36)
        #expect(vm["properties"]?["provisioningState"] == "Succeeded")
        #expect(vm["type"] == "Microsoft.Compute/virtualMachines")
        let logged = fixture.emulator.requests.last { $0.method == "PUT" && $0.path.hasSuffix("vm1") }
        #expect(logged?.body?["properties"]?["osProfile"]?["adminPassword"] == "<redacted>")
        #expect(try fixture.get("\(Fixture.network)/networkInterfaces/nic1").json?["properties"]?["virtualMachine"]?["id"]?.stringValue?.hasSuffix("vm1") == true)
    }

    @Test func nicMustExistAndCannotBeDeletedWhileAttached() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        let missing = try fixture.client.send("PUT", Self.path, Self.body(nic: "ghost"))
        #expect(missing.status == 400)
        #expect(missing.errorCode == "InvalidResourceReference")
        try fixture.nic("nic1")
        try fixture.put(Self.path, Self.body(nic: "nic1"))
        let inUse = try fixture.client.send("DELETE", "\(Fixture.network)/networkInterfaces/nic1")
        #expect(inUse.status == 400)
        #expect(inUse.errorCode == "NicInUse")
        #expect(try fixture.delete(Self.path).status == 202)
        #expect(try fixture.delete("\(Fixture.network)/networkInterfaces/nic1").status == 202)
    }

    @Test func computeValidationUsesInvalidParameter() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.nic("nic1")
        var body = Self.body(nic: "nic1")
        body.set(["properties", "hardwareProfile"], nil)
        let response = try fixture.client.send("PUT", Self.path, body)
        #expect(response.status == 400)
        #expect(response.errorCode == "InvalidParameter")
        #expect(response.json?["error"]?["target"] == "vmSize")
    }
}
