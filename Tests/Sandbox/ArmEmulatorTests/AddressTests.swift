import ArmEmulator
import Testing

/// Private IP allocation: dynamic from .4 up, static as given, conflicts and ranges.
@Suite struct AddressTests {
    func address(_ response: TestResponse) -> String? {
        response.json?["properties"]?["ipConfigurations"]?.arrayValue?.first?["properties"]?["privateIPAddress"]?.stringValue
    }

    @Test func dynamicTakesTheLowestFreeAddressAndKeepsIt() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        #expect(address(try fixture.nic("a")) == "10.0.0.4")
        #expect(address(try fixture.nic("b", ip: "10.0.0.5")) == "10.0.0.5")
        #expect(address(try fixture.nic("c")) == "10.0.0.6")
        #expect(address(try fixture.nic("a")) == "10.0.0.4")
        try fixture.lb()
        let frontend = fixture.emulator.resource(id: "\(Fixture.lbID)/frontendIPConfigurations/kafka-lb-ip")
        #expect(frontend?["properties"]?["privateIPAddress"] == "10.0.0.7")
        #expect(frontend?["properties"]?["privateIPAllocationMethod"] == "Dynamic")
        _ = try fixture.delete("\(Fixture.network)/networkInterfaces/a")
        #expect(address(try fixture.nic("d")) == "10.0.0.4")
    }

    @Test func staticConflictsAndRanges() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.nic("a", ip: "10.0.0.10")
        let taken = try fixture.client.send("PUT", "\(Fixture.network)/networkInterfaces/b", Fixture.nicBody(ip: "10.0.0.10"))
        #expect(taken.status == 400)
        #expect(taken.errorCode == "PrivateIPAddressInUse")
        let outside = try fixture.client.send("PUT", "\(Fixture.network)/networkInterfaces/b", Fixture.nicBody(ip: "10.0.1.10"))
        #expect(outside.errorCode == "PrivateIPAddressNotInSubnet")
        let reserved = try fixture.client.send("PUT", "\(Fixture.network)/networkInterfaces/b", Fixture.nicBody(ip: "10.0.0.1"))
        #expect(reserved.errorCode == "PrivateIPAddressIsReserved")
        // Re-putting the holder with its own address is fine.
        #expect(try fixture.client.send("PUT", "\(Fixture.network)/networkInterfaces/a", Fixture.nicBody(ip: "10.0.0.10")).status == 200)
    }
}
